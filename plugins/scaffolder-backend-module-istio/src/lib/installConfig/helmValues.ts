import type { InstallConfigInput } from './schema';
import type { TracingPlan } from './tracing';

/**
 * First Istio minor whose charts this renderer targets: the charts take a `profile`
 * value and istiod takes `pilot.cni.enabled` (Istio's Helm and CNI install guides),
 * and tracing uses extension providers. Older releases get the IstioOperator only.
 */
export const HELM_VALUES_MINOR = 22;

/** Helm charts of an Istio install, in install order. */
export type IstioChart = 'base' | 'cni' | 'istiod' | 'ztunnel' | 'gateway';

/** Values of one chart and how to install it. */
export interface ChartValues {
  chart: IstioChart;
  /** Helm release name and namespace. */
  release: string;
  namespace: string;
  values: Record<string, unknown>;
}

/** Profiles that exist as Helm chart profiles; `default` and `minimal` are the chart defaults. */
const HELM_PROFILES = new Set(['demo', 'preview', 'ambient', 'openshift']);

/**
 * Values for the `istio/base`, `istio/cni`, `istio/istiod`, `istio/ztunnel` and
 * `istio/gateway` charts equivalent to the IstioOperator.
 */
export function buildHelmValues(
  input: InstallConfigInput,
  tracing: TracingPlan,
  rootNamespace: string,
): ChartValues[] {
  const profile = HELM_PROFILES.has(input.profile)
    ? { profile: input.profile }
    : {};
  const global = {
    global: { ...(input.hub ? { hub: input.hub } : {}), tag: input.tag },
  };
  const charts: ChartValues[] = [
    {
      chart: 'base',
      release: 'istio-base',
      namespace: rootNamespace,
      values: {},
    },
  ];
  if (input.cniEnabled) {
    charts.push({
      chart: 'cni',
      release: 'istio-cni',
      namespace: rootNamespace,
      values: { ...profile, ...global },
    });
  }
  charts.push({
    chart: 'istiod',
    release: 'istiod',
    namespace: rootNamespace,
    values: {
      ...profile,
      ...global,
      meshConfig: tracing.meshConfig,
      // Without this istiod keeps injecting the privileged istio-init container.
      ...(input.cniEnabled ? { pilot: { cni: { enabled: true } } } : {}),
    },
  });
  if (input.profile === 'ambient') {
    charts.push({
      chart: 'ztunnel',
      release: 'ztunnel',
      namespace: rootNamespace,
      // The ztunnel chart takes hub and tag at the top level.
      values: {
        ...profile,
        ...(input.hub ? { hub: input.hub } : {}),
        tag: input.tag,
      },
    });
  }
  if (input.gateway.enabled) {
    charts.push({
      chart: 'gateway',
      release: input.gateway.name,
      namespace: input.gateway.namespace,
      // The chart's defaults, written out: gateway injection template, not a sidecar.
      values: {
        podAnnotations: {
          'inject.istio.io/templates': 'gateway',
          'sidecar.istio.io/inject': 'true',
        },
      },
    });
  }
  return charts;
}
