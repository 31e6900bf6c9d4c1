import type { IstioToolLinks } from '@istio-backstage/plugin-istio-common';
import type { istioMessages } from '../translation';
import { jaegerSearchUrl } from './format';

/** The tools the Service Mesh tab links to. */
export type ToolName = 'Kiali' | 'Grafana' | 'Jaeger';

/** What a link opens, named by its message (`linksCard.links.<name>`). */
export type ToolLinkName = keyof typeof istioMessages.linksCard.links;

/**
 * A link into a tool, or — at most once per tool — the configuration key that would
 * make its links appear. `id` is stable: the card renders it as
 * `data-testid="istio-link-<id>"`.
 */
export type ToolLink =
  | { id: string; tool: ToolName; name: ToolLinkName; url: string }
  | { id: string; tool: ToolName; missing: string };

/** What the links point at: a workload, its app and service, in one namespace. */
export interface ToolLinkTarget {
  namespace: string;
  app: string;
  workload?: string;
  service: string;
  /** The service name Jaeger knows the workload's traces by. */
  jaegerService: string;
}

const enc = encodeURIComponent;

/** A configured base URL without trailing slashes, so paths join with exactly one. */
const baseOf = (url: string | undefined) => url?.replace(/\/+$/, '');

/** The one line shown for a tool that is not (fully) configured. */
const missing = (tool: ToolName, key: string): ToolLink => ({
  id: `${tool.toLowerCase()}-missing`,
  tool,
  missing: key,
});

/** Kiali console routes: application, workload, service and the namespace graph. */
function kialiLinks(url: string | undefined, target: ToolLinkTarget) {
  const kiali = baseOf(url);
  if (!kiali) return [missing('Kiali', 'istio.clusters[].kiali.url')];
  const { namespace, app, workload, service } = target;
  const inNamespace = `${kiali}/console/namespaces/${enc(namespace)}`;
  const links: ToolLink[] = [
    {
      id: 'kiali-app',
      tool: 'Kiali',
      name: 'kialiApp',
      url: `${inNamespace}/applications/${enc(app)}`,
    },
  ];
  // Without a known workload there is no page to open; the others still help.
  if (workload)
    links.push({
      id: 'kiali-workload',
      tool: 'Kiali',
      name: 'kialiWorkload',
      url: `${inNamespace}/workloads/${enc(workload)}`,
    });
  links.push(
    {
      id: 'kiali-service',
      tool: 'Kiali',
      name: 'kialiService',
      url: `${inNamespace}/services/${enc(service)}`,
    },
    {
      id: 'kiali-graph',
      tool: 'Kiali',
      name: 'kialiGraph',
      url: `${kiali}/console/graph/namespaces/?${new URLSearchParams({
        namespaces: namespace,
      })}`,
    },
  );
  return links;
}

/**
 * Grafana `/d/<uid>` links to Istio's service and workload dashboards. Their UIDs come
 * from the configuration: Istio ≥ 1.22 dashboards have no fixed UID.
 */
function grafanaLinks(links: IstioToolLinks, target: ToolLinkTarget) {
  const grafana = baseOf(links.grafanaUrl);
  if (!grafana) return [missing('Grafana', 'istio.clusters[].grafana.url')];
  const { namespace, workload, service } = target;
  const { service: serviceUid, workload: workloadUid } =
    links.grafanaDashboards ?? {};
  const dashboard = (uid: string, variables: Record<string, string>) =>
    `${grafana}/d/${enc(uid)}?${new URLSearchParams({
      ...variables,
      orgId: '1',
    })}`;
  const result: ToolLink[] = [];
  if (serviceUid)
    result.push({
      id: 'grafana-service',
      tool: 'Grafana',
      name: 'grafanaService',
      url: dashboard(serviceUid, {
        'var-service': `${service}.${namespace}.svc.cluster.local`,
      }),
    });
  if (workloadUid && workload)
    result.push({
      id: 'grafana-workload',
      tool: 'Grafana',
      name: 'grafanaWorkload',
      url: dashboard(workloadUid, {
        'var-namespace': namespace,
        'var-workload': workload,
      }),
    });
  const unset = [
    serviceUid ? [] : ['service'],
    workloadUid ? [] : ['workload'],
  ].flat();
  if (unset.length > 0)
    result.push(
      missing(
        'Grafana',
        unset.map(k => `istio.clusters[].grafana.dashboards.${k}`).join(', '),
      ),
    );
  return result;
}

/**
 * Kiali, Grafana and Jaeger links for a workload, in the URL formats those tools use
 * (Kiali console routes, Grafana `/d/<uid>` with Istio dashboard variables, Jaeger
 * search), and one line per tool whose configuration is missing, naming the key.
 */
export function toolLinks(
  links: IstioToolLinks,
  target: ToolLinkTarget,
): ToolLink[] {
  const jaeger = baseOf(links.jaegerUrl);
  return [
    ...kialiLinks(links.kialiUrl, target),
    ...grafanaLinks(links, target),
    jaeger
      ? {
          id: 'jaeger-traces',
          tool: 'Jaeger',
          name: 'jaegerTraces',
          url: jaegerSearchUrl(jaeger, target.jaegerService),
        }
      : missing('Jaeger', 'istio.clusters[].jaeger.url'),
  ];
}
