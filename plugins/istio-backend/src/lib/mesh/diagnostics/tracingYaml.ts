import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from '../inventory';
import { apiVersions, rootNamespaces } from './istio';

/** Where a tracing provider sends spans. */
export interface ProviderTarget {
  /** `zipkin` for port 9411, `opentelemetry` for OTLP 4317/4318. */
  type: 'zipkin' | 'opentelemetry';
  /** Provider name referenced by the Telemetry resource. */
  name: string;
  /** Fully qualified service host, as extension providers require. */
  service: string;
  port: number;
}

/** The usual collector: Jaeger's Zipkin endpoint (port 9411) in `observability`. */
export const SUGGESTED_COLLECTOR: ProviderTarget = {
  type: 'zipkin',
  name: 'zipkin',
  service: 'jaeger-collector.observability.svc.cluster.local',
  port: 9411,
};

/** The mesh's first root namespace; `istio-system` when none is known. */
export function firstRootNamespace(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
): string {
  return [...rootNamespaces(inventory, mesh)][0] ?? 'istio-system';
}

/** The revision a snippet is for: its name and root namespace. */
export interface SnippetRevision {
  revision: string;
  rootNamespace?: string;
}

/**
 * Telemetry API tracing: the provider in `meshConfig.extensionProviders` (IstioOperator
 * form, for the revision's own MeshConfig; the same `meshConfig` block goes into that
 * revision's istiod Helm values) and, unless the revision already has one, a
 * root-namespace Telemetry that enables it mesh-wide. Without a revision: the mesh's
 * first root namespace and no `spec.revision`.
 */
export function telemetryProviderYaml(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  target: ProviderTarget,
  samplingPercent: number,
  options: { revision?: SnippetRevision; withTelemetry?: boolean } = {},
) {
  const { revision, withTelemetry = true } = options;
  const provider =
    target.type === 'zipkin'
      ? { zipkin: { service: target.service, port: target.port } }
      : { opentelemetry: { service: target.service, port: target.port } };
  const revisioned = revision && revision.revision !== 'default';
  const docs: Array<{ comment?: string; value: unknown }> = [
    {
      comment: `IstioOperator (istioctl install -f)${
        revisioned ? ` for revision ${revision.revision}` : ''
      } — with Helm put the meshConfig block in the istiod values`,
      value: {
        apiVersion: 'install.istio.io/v1alpha1',
        kind: 'IstioOperator',
        spec: {
          ...(revisioned ? { revision: revision.revision } : {}),
          meshConfig: {
            enableTracing: true,
            extensionProviders: [{ name: target.name, ...provider }],
          },
        },
      },
    },
  ];
  if (!withTelemetry) return docs;
  docs.push({
    comment: 'Mesh-wide tracing through the Telemetry API',
    value: {
      apiVersion: apiVersions(mesh).telemetry,
      kind: 'Telemetry',
      metadata: {
        name: 'mesh-default',
        namespace:
          revision?.rootNamespace ?? firstRootNamespace(inventory, mesh),
      },
      spec: {
        tracing: [
          {
            providers: [{ name: target.name }],
            randomSamplingPercentage: samplingPercent,
          },
        ],
      },
    },
  });
  return docs;
}
