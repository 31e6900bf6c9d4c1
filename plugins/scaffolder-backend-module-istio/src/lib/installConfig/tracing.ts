import { InputError } from '@backstage/errors';
import type { InstallConfigInput } from './schema';
import { splitHostPort } from './patterns';

/**
 * First Istio minor without the implicit Zipkin default (Istio 1.22 removed it):
 * from here on tracing is configured with `meshConfig.extensionProviders` and a
 * `Telemetry` resource, as Istio's own tracing tasks do.
 */
const PROVIDERS_TRACING_MINOR = 22;

/** How tracing is written for one Istio version. */
export interface TracingPlan {
  /** `legacy`: `meshConfig.defaultConfig.tracing` (Istio < 1.22); `providers`: extension provider + Telemetry. */
  mode: 'disabled' | 'legacy' | 'providers';
  /** MeshConfig fragment, identical for the IstioOperator and the istiod chart. */
  meshConfig: Record<string, unknown>;
  /** Mesh-wide Telemetry resource (root namespace), in `providers` mode. */
  telemetry?: Record<string, unknown>;
}

/** Name of the extension provider the Telemetry resource refers to. */
const PROVIDER_NAMES = { zipkin: 'zipkin', opentelemetry: 'otel-tracing' };

/** Builds the tracing part of MeshConfig for an Istio minor (e.g. 24 for 1.24.x). */
export function planTracing(
  tracing: InstallConfigInput['tracing'],
  istioMinor: number,
  rootNamespace: string,
): TracingPlan {
  if (!tracing.enabled) {
    return { mode: 'disabled', meshConfig: { enableTracing: false } };
  }
  const { host, port } = splitHostPort(tracing.collectorAddress!);
  if (istioMinor < PROVIDERS_TRACING_MINOR) {
    if (tracing.provider !== 'zipkin') {
      throw new InputError(
        `Tracing provider ${tracing.provider} is rendered for Istio 1.${PROVIDERS_TRACING_MINOR} and later; use zipkin for Istio 1.${istioMinor}`,
      );
    }
    // The legacy form: sampling and the Zipkin address in the proxies' default config.
    return {
      mode: 'legacy',
      meshConfig: {
        enableTracing: true,
        defaultConfig: {
          tracing: {
            sampling: tracing.samplingPercent,
            zipkin: { address: `${host}:${port}` },
          },
        },
      },
    };
  }
  const name = PROVIDER_NAMES[tracing.provider];
  return {
    mode: 'providers',
    meshConfig: {
      enableTracing: true,
      // Empty on purpose: it turns off the legacy per-proxy tracing options.
      defaultConfig: { tracing: {} },
      extensionProviders: [
        { name, [tracing.provider]: { service: host, port } },
      ],
    },
    telemetry: {
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: rootNamespace },
      spec: {
        tracing: [
          {
            providers: [{ name }],
            randomSamplingPercentage: tracing.samplingPercent,
          },
        ],
      },
    },
  };
}
