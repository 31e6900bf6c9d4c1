import type {
  IstioDiagnostic,
  IstioMeshConfig,
  IstioTracing,
} from '@istio-backstage/plugin-istio-common';
import type { V1Service } from '@kubernetes/client-node';
import { selectorMatches } from '../dataPlane';
import type { MeshInventory } from '../inventory';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
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

/**
 * Tracing collector Service or port missing: every span is dropped. For Jaeger without
 * its Zipkin port 9411, the fix enables that port or switches Istio to OTLP.
 */
export const tracingCollectorMissing: DiagnosticRule = (inventory, mesh) => {
  const { tracing } = mesh;
  const collector = tracing.collector;
  // Spans only go to the collector when tracing is known to be on.
  if (tracing.enabled !== 'yes' || !collector) return [];
  if (collector.exists === 'no-service') {
    return [collectorServiceMissing(tracing, collector)];
  }
  if (collector.exists === 'no-port') {
    return [collectorPortMissing(inventory, mesh, collector)];
  }
  return [];
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
function collectorServiceMissing(
  tracing: IstioTracing,
  collector: Collector,
): IstioDiagnostic {
  const { object, named, address } = collectorNames(collector);
  return makeDiagnostic('IBS-TRACING-COLLECTOR-MISSING', {
    object,
    message: `Tracing sends spans to ${address}, but ${named} does not exist in the cluster: every span is dropped.`,
    fix: {
      text: `Deploy the collector as ${named} (port ${
        collector.port
      }), or change the tracing address${
        tracing.provider ? ` of provider '${tracing.provider}'` : ''
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
  collector: Collector,
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
    docs.push(
      ...telemetryProviderYaml(
        inventory,
        mesh,
        target,
        mesh.tracing.samplingPercent ?? 1,
      ),
    );
  }

  return makeDiagnostic('IBS-TRACING-COLLECTOR-MISSING', {
    object,
    message: `Tracing sends spans to ${address}, but ${named} has no port ${collector.port}: every span is dropped.`,
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
