import type { V1Service } from '@kubernetes/client-node';
import type { MeshInventory } from '../inventory';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import { selectorMatches } from './k8s';
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

/**
 * Tracing collector Service or port missing: every span is dropped. For Jaeger without
 * its Zipkin port (seed FAQ 2) the fix enables 9411 or switches Istio to OTLP.
 */
export const tracingCollectorMissing: DiagnosticRule = (inventory, mesh) => {
  const { tracing } = mesh;
  const collector = tracing.collector;
  // Spans only go to the collector when tracing is known to be on.
  if (tracing.enabled !== 'yes' || !collector) return [];
  if (collector.exists !== 'no-service' && collector.exists !== 'no-port') {
    return [];
  }
  const object: ObjectRef | undefined = collector.service && {
    kind: 'Service',
    namespace: collector.service.namespace,
    name: collector.service.name,
  };
  const address = `${collector.host}:${collector.port}`;
  const named = object ? describeObject(object) : `host ${collector.host}`;

  if (collector.exists === 'no-service') {
    return [
      makeDiagnostic('IBS-TRACING-COLLECTOR-MISSING', {
        object,
        message: `Tracing sends spans to ${address}, but ${named} does not exist in the cluster: every span is dropped.`,
        fix: {
          text: `Deploy the collector as ${named} (port ${
            collector.port
          }), or change the tracing address${
            tracing.provider ? ` of provider '${tracing.provider}'` : ''
          } to a collector Service that exists (for example Jaeger's jaeger-collector with Zipkin on 9411 or OTLP on 4317).`,
        },
      }),
    ];
  }

  const service =
    collector.service &&
    inventory.services?.find(
      s =>
        s.metadata?.namespace === collector.service!.namespace &&
        s.metadata?.name === collector.service!.name,
    );
  const ports = service?.spec?.ports?.map(p => p.port) ?? [];
  const otlpPort = OTLP_PORTS.find(p => ports.includes(p));
  const fqdn = collector.service
    ? `${collector.service.name}.${collector.service.namespace}.svc.cluster.local`
    : collector.host;
  const docs: Array<{ comment?: string; value: unknown }> = [];
  let text = `${named} exists but has no port ${collector.port}.`;

  if (collector.port === 9411) {
    // Seed FAQ 2: Jaeger speaks Zipkin only when told to.
    const backing = service && backingDeploymentName(inventory, service);
    text += ` Jaeger accepts Zipkin on 9411 only when enabled: set COLLECTOR_ZIPKIN_HOST_PORT=:9411 on Jaeger v1 (or add a zipkin receiver on Jaeger v2 / the OpenTelemetry Collector) and expose port 9411 on the Service.`;
    docs.push(
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
                    env: [
                      { name: 'COLLECTOR_ZIPKIN_HOST_PORT', value: ':9411' },
                    ],
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
    );
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
      service: fqdn,
      port: otlpPort,
    };
    text += ` Alternatively send OTLP to port ${otlpPort}, which ${named} already exposes, with an opentelemetry extension provider.`;
    docs.push(
      ...telemetryProviderYaml(
        inventory,
        mesh,
        target,
        tracing.samplingPercent ?? 1,
      ),
    );
  }

  return [
    makeDiagnostic('IBS-TRACING-COLLECTOR-MISSING', {
      object,
      message: `Tracing sends spans to ${address}, but ${named} has no port ${collector.port}: every span is dropped.`,
      fix: { text, ...(docs.length ? { yaml: yamlDocs(...docs) } : {}) },
    }),
  ];
};
