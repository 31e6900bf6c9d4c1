import type { InstallConfigInput } from './schema';

/** Jaeger's gRPC query port; Kiali must be told `use_grpc` to match the URL. */
const JAEGER_GRPC_QUERY_PORT = '16685';

/**
 * The Kiali CR (`kiali.io/v1alpha1`) with its `external_services`: where Kiali
 * finds Prometheus, Grafana and the tracing query service. Kiali 2.x names the
 * in-cluster address `internal_url`, Kiali 1.x `in_cluster_url`.
 */
export function buildKialiCr(
  kiali: InstallConfigInput['kiali'],
  namespace: string,
): Record<string, unknown> {
  const urlKey = kiali.majorVersion === 2 ? 'internal_url' : 'in_cluster_url';
  const external: Record<string, unknown> = {
    prometheus: { url: kiali.prometheusUrl },
  };
  if (kiali.grafanaUrl) {
    external.grafana = { enabled: true, [urlKey]: kiali.grafanaUrl };
  }
  if (kiali.tracingUrl) {
    external.tracing = {
      enabled: true,
      provider: 'jaeger',
      [urlKey]: kiali.tracingUrl,
      use_grpc: new URL(kiali.tracingUrl).port === JAEGER_GRPC_QUERY_PORT,
    };
  }
  return {
    apiVersion: 'kiali.io/v1alpha1',
    kind: 'Kiali',
    metadata: { name: 'kiali', namespace },
    spec: { external_services: external },
  };
}
