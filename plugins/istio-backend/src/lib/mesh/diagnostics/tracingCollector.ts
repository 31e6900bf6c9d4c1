import type {
  IstioDiagnostic,
  IstioMeshConfig,
  IstioTracing,
} from '@istio-backstage/plugin-istio-common';
import type { V1Service } from '@kubernetes/client-node';
import { selectorMatches } from '../dataPlane';
import type { MeshInventory } from '../inventory';
import { meshRevisions, type MeshRevision } from '../meshRevisions';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import { revisionsNamed } from './istio';
import { telemetryProviderYaml, type ProviderTarget } from './tracingYaml';

const OTLP_PORTS = [4317, 4318];

/** The Deployment behind a Service (its pod template matches the Service selector). */
function backingDeploymentName(
  inventory: MeshInventory,
  service: V1Service,
): { name: string; container: string } | undefined {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return undefined;
  const deployment = inventory.deployments?.find(
    d =>
      d.metadata?.namespace === service.metadata?.namespace &&
      selectorMatches(selector, d.spec?.template?.metadata?.labels),
  );
  const container = deployment?.spec?.template?.spec?.containers?.[0]?.name;
  return deployment?.metadata?.name && container
    ? { name: deployment.metadata.name, container }
    : undefined;
}

/** Where tracing sends spans (MeshConfig or Telemetry). */
type Collector = NonNullable<IstioTracing['collector']>;

/** Revisions sending spans to one collector. */
interface CollectorGroup {
  collector: Collector;
  revisions: MeshRevision[];
}

/** Whether a revision's mesh-wide tracing sends spans (known to). */
function sendsSpans(tracing: IstioTracing): boolean {
  if (tracing.configuredIn === 'extensionProviders+Telemetry')
    return Boolean(tracing.provider) && !tracing.spanReportingDisabled;
  // The legacy tracer sends only while enableTracing is on.
  return tracing.enabled === 'yes';
}

/** The revisions whose collector is missing, grouped per collector (one finding each). */
function missingCollectors(
  revisions: readonly MeshRevision[],
): CollectorGroup[] {
  const groups = new Map<string, CollectorGroup>();
  for (const r of revisions) {
    const collector = r.tracing.collector;
    if (!collector || !sendsSpans(r.tracing)) continue;
    if (collector.exists !== 'no-service' && collector.exists !== 'no-port')
      continue;
    const key = `${collector.service?.namespace}/${
      collector.service?.name ?? collector.host
    }:${collector.port}`;
    const group = groups.get(key) ?? { collector, revisions: [] };
    group.revisions.push(r);
    groups.set(key, group);
  }
  return [...groups.values()];
}

/**
 * Tracing collector Service or port missing: every span is dropped. Per control plane
 * revision (each has its own MeshConfig and root Telemetry); revisions sharing the
 * missing collector share the finding. For Jaeger without its Zipkin port 9411, the fix
 * enables that port or switches Istio to OTLP.
 */
export const tracingCollectorMissing: DiagnosticRule = (inventory, mesh) => {
  const { revisions } = meshRevisions(inventory, mesh.controlPlanes);
  return missingCollectors(revisions).map(group =>
    group.collector.exists === 'no-service'
      ? collectorServiceMissing(group)
      : collectorPortMissing(inventory, mesh, group),
  );
};

/** The collector's Service (when its host names one), and how messages name it. */
function collectorNames(collector: Collector): {
  object: ObjectRef | undefined;
  named: string;
  address: string;
} {
  const object: ObjectRef | undefined = collector.service && {
    kind: 'Service',
    namespace: collector.service.namespace,
    name: collector.service.name,
  };
  return {
    object,
    named: object ? describeObject(object) : `host ${collector.host}`,
    address: `${collector.host}:${collector.port}`,
  };
}

/** The collector's Service does not exist. */
function collectorServiceMissing({
  collector,
  revisions,
}: CollectorGroup): IstioDiagnostic {
  const { object, named, address } = collectorNames(collector);
  const providers = [
    ...new Set(
      revisions.map(r => r.tracing.providerName ?? r.tracing.provider),
    ),
  ].filter(Boolean);
  return makeDiagnostic('IBS-TRACING-COLLECTOR-MISSING', {
    object,
    message: `Tracing of ${revisionsNamed(
      revisions,
    )} sends spans to ${address}, but ${named} does not exist in the cluster: every span is dropped.`,
    fix: {
      text: `Deploy the collector as ${named} (port ${
        collector.port
      }), or change the tracing address${
        providers.length ? ` of provider '${providers.join("', '")}'` : ''
      } to a collector Service that exists (for example Jaeger's jaeger-collector with Zipkin on 9411 or OTLP on 4317).`,
    },
  });
}

/**
 * The collector's Service exists without the port spans go to. For Zipkin's 9411 the fix
 * enables it on Jaeger; when the Service already has an OTLP port, switching Istio to it
 * is offered too.
 */
function collectorPortMissing(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  { collector, revisions }: CollectorGroup,
): IstioDiagnostic {
  const { object, named, address } = collectorNames(collector);
  const service =
    collector.service &&
    inventory.services?.find(
      s =>
        s.metadata?.namespace === collector.service!.namespace &&
        s.metadata?.name === collector.service!.name,
    );
  const ports = service?.spec?.ports?.map(p => p.port) ?? [];
  const otlpPort = OTLP_PORTS.find(p => ports.includes(p));
  const docs: Array<{ comment?: string; value: unknown }> = [];
  let text = `${named} exists but has no port ${collector.port}.`;

  if (collector.port === 9411) {
    text += ` Jaeger accepts Zipkin on 9411 only when enabled: set COLLECTOR_ZIPKIN_HOST_PORT=:9411 on Jaeger v1 (or add a zipkin receiver on Jaeger v2 / the OpenTelemetry Collector) and expose port 9411 on the Service.`;
    docs.push(...enableZipkinDocs(inventory, service, collector, named));
  } else {
    text += ` Expose port ${collector.port} on the Service or point tracing at a port it has.`;
  }

  if (collector.port === 9411 && !otlpPort) {
    text += ` Or, if the collector accepts OTLP, expose its OTLP port (4317) and point Istio at it with an opentelemetry extension provider.`;
  }

  if (otlpPort) {
    // The collector already speaks OTLP: switching Istio to it needs no collector change.
    const target: ProviderTarget = {
      type: 'opentelemetry',
      name: 'otel-tracing',
      service: collector.service
        ? `${collector.service.name}.${collector.service.namespace}.svc.cluster.local`
        : collector.host,
      port: otlpPort,
    };
    text += ` Alternatively send OTLP to port ${otlpPort}, which ${named} already exposes, with an opentelemetry extension provider.`;
    const [first] = revisions;
    docs.push(
      ...telemetryProviderYaml(
        inventory,
        mesh,
        target,
        first.tracing.samplingPercent ?? 1,
        {
          revision: {
            revision: first.config.revision,
            ...(first.config.known
              ? { rootNamespace: first.config.rootNamespace }
              : {}),
          },
        },
      ),
    );
  }

  return makeDiagnostic('IBS-TRACING-COLLECTOR-MISSING', {
    object,
    message: `Tracing of ${revisionsNamed(
      revisions,
    )} sends spans to ${address}, but ${named} has no port ${
      collector.port
    }: every span is dropped.`,
    fix: { text, ...(docs.length ? { yaml: yamlDocs(...docs) } : {}) },
  });
}

/**
 * Jaeger speaks Zipkin (port 9411) only when told to. Patches for Jaeger v1 (an env
 * variable on the Deployment behind the Service), Jaeger v2 / the OpenTelemetry Collector
 * (a zipkin receiver), and the Service's port.
 */
function enableZipkinDocs(
  inventory: MeshInventory,
  service: V1Service | undefined,
  collector: Collector,
  named: string,
): Array<{ comment?: string; value: unknown }> {
  const backing = service && backingDeploymentName(inventory, service);
  return [
    {
      comment: `Jaeger v1: enable the Zipkin endpoint (kubectl patch deployment ${
        backing?.name ?? '<jaeger-collector>'
      } -n ${collector.service?.namespace ?? '<namespace>'} --patch-file …)`,
      value: {
        spec: {
          template: {
            spec: {
              containers: [
                {
                  name: backing?.container ?? 'jaeger',
                  env: [{ name: 'COLLECTOR_ZIPKIN_HOST_PORT', value: ':9411' }],
                },
              ],
            },
          },
        },
      },
    },
    {
      comment: `Jaeger v2 / OpenTelemetry Collector: add a zipkin receiver to the traces pipeline`,
      value: {
        receivers: { zipkin: { endpoint: '0.0.0.0:9411' } },
        service: { pipelines: { traces: { receivers: ['otlp', 'zipkin'] } } },
      },
    },
    {
      comment: `Expose the port on ${named} (kubectl patch service … --patch-file …)`,
      value: {
        spec: {
          ports: [
            {
              name: 'http-zipkin',
              port: 9411,
              targetPort: 9411,
              protocol: 'TCP',
            },
          ],
        },
      },
    },
  ];
}
