import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
} from './diagnostic';
import { meshConfigMapRef } from './istio';
import { isAtLeast } from './versions';
import {
  SEED_COLLECTOR,
  telemetryProviderYaml,
  type ProviderTarget,
} from './tracingYaml';

/** The provider to declare: the collector tracing already uses, else Jaeger's Zipkin port. */
function providerTarget(mesh: IstioMeshConfig): ProviderTarget {
  const collector = mesh.tracing.collector;
  if (!collector) return SEED_COLLECTOR;
  const service = collector.service
    ? `${collector.service.name}.${collector.service.namespace}.svc.cluster.local`
    : collector.host;
  const otlp = collector.port === 4317 || collector.port === 4318;
  return {
    type: otlp ? 'opentelemetry' : 'zipkin',
    name: otlp ? 'otel-tracing' : 'zipkin',
    service,
    port: collector.port,
  };
}

/**
 * Istio ≥ 1.22 without a Telemetry API tracing provider: 1.22 removed the implicit
 * Zipkin default, so legacy-only or absent tracing config sends spans nowhere or
 * depends on deprecated settings.
 */
export const tracingWithoutProvider: DiagnosticRule = (inventory, mesh) => {
  const { tracing } = mesh;
  // 'unknown' configuredIn / enabled: no diagnosis from missing data.
  if (tracing.enabled !== 'yes') return [];
  if (
    tracing.configuredIn !== 'meshConfig.defaultConfig.tracing' &&
    tracing.configuredIn !== 'none'
  ) {
    return [];
  }
  const target = providerTarget(mesh);
  const yaml = yamlDocs(
    ...telemetryProviderYaml(
      inventory,
      mesh,
      target,
      tracing.samplingPercent ?? 1,
    ),
  );
  const sendsNothing = tracing.configuredIn === 'none' || !tracing.collector;
  return mesh.controlPlanes
    .filter(cp => isAtLeast(cp.version, [1, 22]))
    .map(cp => {
      const object = meshConfigMapRef(cp);
      const where =
        tracing.configuredIn === 'none'
          ? `has no tracing provider (${describeObject(
              object,
            )} configures none and there is no Telemetry tracing)`
          : `configures tracing only through meshConfig.defaultConfig.tracing in ${describeObject(
              object,
            )}, the legacy setting`;
      const consequence = sendsNothing
        ? 'Since Istio 1.22 there is no implicit Zipkin provider, so proxies send no spans.'
        : 'Istio 1.22 removed the implicit Zipkin provider; tracing is now configured with meshConfig.extensionProviders and the Telemetry API.';
      return makeDiagnostic('IBS-TRACING-NO-PROVIDER', {
        object,
        message: `Control plane '${cp.revision}' in ${cp.namespace} runs Istio ${cp.version} and ${where}. ${consequence}`,
        fix: {
          text: `Declare the collector as an extension provider (${target.type} ${target.service}:${target.port}) and enable it with a Telemetry resource in the root namespace; then remove meshConfig.defaultConfig.tracing.`,
          yaml,
        },
      });
    });
};
