import type {
  IstioDiagnostic,
  IstioMeshConfig,
  IstioTracing,
} from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from '../inventory';
import { meshRevisions, type MeshRevision } from '../meshRevisions';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
} from './diagnostic';
import { meshConfigMapRef } from './istio';
import { isAtLeast } from './versions';
import {
  SUGGESTED_COLLECTOR,
  telemetryProviderYaml,
  type ProviderTarget,
} from './tracingYaml';

/** The provider to declare: the collector tracing already uses, else Jaeger's Zipkin port. */
function providerTarget(tracing: IstioTracing): ProviderTarget {
  const collector = tracing.collector;
  if (!collector) return SUGGESTED_COLLECTOR;
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

/** The revision as tracing snippets need it. */
const snippetRevision = (r: MeshRevision) => ({
  revision: r.config.revision,
  ...(r.config.known ? { rootNamespace: r.config.rootNamespace } : {}),
});

/**
 * A revision on Istio ≥ 1.22 whose tracing goes only through the legacy
 * `defaultConfig.tracing`, or nowhere: 1.22 removed the implicit Zipkin default.
 */
function legacyOnly(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  r: MeshRevision,
): IstioDiagnostic {
  const { tracing, controlPlane: cp } = r;
  const target = providerTarget(tracing);
  const yaml = yamlDocs(
    ...telemetryProviderYaml(
      inventory,
      mesh,
      target,
      tracing.samplingPercent ?? 1,
      { revision: snippetRevision(r) },
    ),
  );
  const object = meshConfigMapRef(cp);
  const where =
    tracing.configuredIn === 'none'
      ? `has no tracing provider (${describeObject(
          object,
        )} configures none and there is no Telemetry tracing)`
      : `configures tracing only through meshConfig.defaultConfig.tracing in ${describeObject(
          object,
        )}, the legacy setting`;
  const consequence =
    tracing.configuredIn === 'none' || !tracing.collector
      ? 'Since Istio 1.22 there is no implicit Zipkin provider, so proxies send no spans.'
      : 'Istio 1.22 removed the implicit Zipkin provider; tracing is now configured with meshConfig.extensionProviders and the Telemetry API.';
  return makeDiagnostic('IBS-TRACING-NO-PROVIDER', {
    object,
    message: `Control plane '${cp.revision}' in ${cp.namespace} runs Istio ${cp.version} and ${where}. ${consequence}`,
    fix: {
      text: `Declare the collector as an extension provider (${target.type} ${target.service}:${target.port}) in the MeshConfig of revision '${cp.revision}' and enable it with a Telemetry resource in the root namespace; then remove meshConfig.defaultConfig.tracing.`,
      yaml,
    },
  });
}

/**
 * A revision whose mesh-wide tracing goes through the Telemetry API but resolves to no
 * provider it defines: istiod then turns tracing off for its proxies. The fix declares
 * the provider the Telemetry names, as another revision defines it when one does.
 */
function unresolvedProvider(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  r: MeshRevision,
  all: readonly MeshRevision[],
): IstioDiagnostic {
  const { tracing, controlPlane: cp } = r;
  const object = meshConfigMapRef(cp);
  const named = tracing.providerName;
  const elsewhere = all.find(
    o => o !== r && o.tracing.providerName === named && o.tracing.collector,
  );
  const target: ProviderTarget = elsewhere
    ? { ...providerTarget(elsewhere.tracing), name: named! }
    : { ...SUGGESTED_COLLECTOR, ...(named ? { name: named } : {}) };
  const yaml = yamlDocs(
    ...telemetryProviderYaml(inventory, mesh, target, 1, {
      revision: snippetRevision(r),
      withTelemetry: !named,
    }),
  );
  return makeDiagnostic('IBS-TRACING-NO-PROVIDER', {
    object,
    message: `Control plane '${cp.revision}' in ${
      cp.namespace
    } gets no tracing provider from ${describeObject(object)}: ${
      tracing.decidedBy?.provider ?? 'no provider'
    }. istiod then turns tracing off: its proxies send no spans.`,
    fix: {
      text: `Declare ${
        named ? `provider '${named}'` : 'a tracing provider'
      } in meshConfig.extensionProviders of revision '${cp.revision}'${
        elsewhere
          ? ` (revision '${elsewhere.config.revision}' defines it: ${target.type} ${target.service}:${target.port})`
          : ''
      }${named ? '' : ' and name it in a root-namespace Telemetry'}.`,
      yaml,
    },
  });
}

/**
 * Per control plane revision, mesh-wide tracing without a working Telemetry API
 * provider: on Istio ≥ 1.22, tracing left to the legacy `defaultConfig.tracing` (or to
 * nothing), since 1.22 removed the implicit Zipkin default; on any version, Telemetry
 * API tracing whose provider the revision's MeshConfig does not define (a Telemetry
 * naming a provider only another revision declares), which sends no spans. A revision
 * that resolves a provider never gets this finding.
 */
export const tracingWithoutProvider: DiagnosticRule = (inventory, mesh) => {
  const { revisions } = meshRevisions(inventory, mesh.controlPlanes);
  return revisions.flatMap(r => {
    const { tracing, controlPlane: cp } = r;
    if (tracing.configuredIn === 'extensionProviders+Telemetry')
      return tracing.provider
        ? []
        : [unresolvedProvider(inventory, mesh, r, revisions)];
    // 'unknown' configuredIn / enabled: no diagnosis from missing data.
    if (tracing.enabled !== 'yes') return [];
    if (
      tracing.configuredIn !== 'meshConfig.defaultConfig.tracing' &&
      tracing.configuredIn !== 'none'
    )
      return [];
    return isAtLeast(cp.version, [1, 22])
      ? [legacyOnly(inventory, mesh, r)]
      : [];
  });
};
