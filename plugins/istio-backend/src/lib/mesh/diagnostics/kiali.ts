import type { V1Service } from '@kubernetes/client-node';
import type { KialiExternalService } from '@istio-backstage/plugin-istio-common';
import { parse } from 'yaml';
import type { MeshInventory } from '../inventory';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';

/** How to recognise a candidate Service for each Kiali external service, and its usual port. */
const CANDIDATES: Record<string, { pattern: RegExp; ports: number[] }> = {
  prometheus: {
    pattern:
      /^(prometheus|prometheus-server|prometheus-k8s|prometheus-operated|.*-prometheus)$/,
    ports: [9090, 80],
  },
  tracing: {
    pattern: /^(tracing|jaeger-query|.*-jaeger-query|tempo|.*-tempo)$/,
    ports: [16685, 16686, 80, 3200],
  },
  grafana: {
    pattern: /^(grafana|.*-grafana|grafana-service)$/,
    ports: [3000, 80],
  },
};

/**
 * The config key holding the URL: the key the Kiali ConfigMap really uses for it, else
 * `url` for Prometheus and `internal_url` for the others (Kiali 2.x; Kiali 1.x uses
 * `in_cluster_url`).
 */
function configKey(
  inventory: MeshInventory,
  namespace: string | undefined,
  external: KialiExternalService,
): string {
  const configMap = inventory.configMaps?.find(
    c =>
      c.metadata?.name === 'kiali' &&
      (namespace === undefined || c.metadata?.namespace === namespace),
  );
  let entry: unknown;
  try {
    const config: unknown = parse(configMap?.data?.['config.yaml'] ?? '');
    entry = (config as { external_services?: Record<string, unknown> } | null)
      ?.external_services?.[external.name];
  } catch {
    entry = undefined;
  }
  const written =
    entry && typeof entry === 'object'
      ? Object.entries(entry).find(([, value]) => value === external.url)?.[0]
      : undefined;
  return written ?? (external.name === 'prometheus' ? 'url' : 'internal_url');
}

/** The Service and port a URL names: `http://<svc>.<ns>[.svc…]:<port>/…`. */
function urlTarget(url: string, defaultNamespace: string | undefined) {
  try {
    const parsed = new URL(url);
    const [name, namespace] = parsed.hostname.split('.');
    const defaultPort = parsed.protocol === 'https:' ? 443 : 80;
    const port = parsed.port ? Number(parsed.port) : defaultPort;
    return {
      name,
      namespace: namespace ?? defaultNamespace,
      port,
      path: parsed.pathname === '/' ? '' : parsed.pathname,
    };
  } catch {
    return undefined;
  }
}

/** A Service that probably is what the URL meant, with the port to use. */
function suggestService(
  inventory: MeshInventory,
  service: string,
): { service: V1Service; port: number } | undefined {
  const candidate = CANDIDATES[service];
  if (!candidate || !inventory.services) return undefined;
  const found = [...inventory.services]
    .filter(s => candidate.pattern.test(s.metadata?.name ?? ''))
    .sort((a, b) =>
      `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(
        `${b.metadata?.namespace}/${b.metadata?.name}`,
      ),
    )[0];
  const ports = found?.spec?.ports?.map(p => p.port) ?? [];
  const port = candidate.ports.find(p => ports.includes(p)) ?? ports[0];
  return found && port !== undefined ? { service: found, port } : undefined;
}

function describeMissing(
  external: KialiExternalService,
  target: ReturnType<typeof urlTarget>,
) {
  if (!target) return `${external.url} names no Service`;
  const service = `Service ${target.namespace ? `${target.namespace}/` : ''}${
    target.name
  }`;
  return external.exists === 'no-service'
    ? `${service} does not exist`
    : `${service} has no port ${target.port}`;
}

/** Kiali `external_services` whose URL names a Service or port that does not exist. */
export const kialiServiceMissing: DiagnosticRule = (inventory, mesh) => {
  const { kiali } = mesh;
  const object: ObjectRef = {
    kind: 'ConfigMap',
    ...(kiali.namespace ? { namespace: kiali.namespace } : {}),
    name: 'kiali',
  };
  return kiali.externalServices
    .filter(e => e.exists === 'no-service' || e.exists === 'no-port')
    .map(external => {
      const target = urlTarget(external.url, kiali.namespace);
      const service = external.name;
      const key = configKey(inventory, kiali.namespace, external);
      const suggestion = suggestService(inventory, service);
      const url = suggestion
        ? `http://${suggestion.service.metadata?.name}.${
            suggestion.service.metadata?.namespace
          }:${suggestion.port}${target?.path ?? ''}`
        : undefined;
      return makeDiagnostic('IBS-KIALI-SERVICE-MISSING', {
        object,
        message: `Kiali external_services.${service} in ${describeObject(
          object,
        )} points at ${external.url}, but ${describeMissing(
          external,
          target,
        )}: Kiali's ${service} integration does not work.`,
        fix: {
          text: `Set external_services.${service}.${key} to a Service and port that exist${
            url ? ` — ${url} looks like the right one` : ''
          }. Edit the kiali ConfigMap (key config.yaml) and restart Kiali, or edit spec.external_services in the Kiali CR when the Kiali operator manages it.`,
          ...(url
            ? {
                yaml: yamlDocs({
                  comment: `ConfigMap kiali (config.yaml), or spec of the Kiali CR${
                    key === 'url'
                      ? ''
                      : ' — Kiali 1.x uses in_cluster_url, Kiali 2.x internal_url'
                  }`,
                  value: { external_services: { [service]: { [key]: url } } },
                }),
              }
            : {}),
        },
      });
    });
};
