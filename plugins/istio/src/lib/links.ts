import type { IstioToolLinks } from '@istio-backstage/plugin-istio-common';
import { jaegerSearchUrl } from './format';

/** A tool link, or why there is none. */
export type ToolLink =
  | { title: string; url: string }
  | { title: string; missing: string };

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

/** A link when its URL can be built, else the reason there is none. */
const linkOr = (
  title: string,
  url: string | undefined,
  missing: string,
): ToolLink => (url ? { title, url } : { title, missing });

/** Kiali console routes: application, workload, service and the namespace graph. */
function kialiLinks(kiali: string | undefined, target: ToolLinkTarget) {
  const { namespace, app, workload, service } = target;
  const noKiali = 'no Kiali URL configured (istio.clusters[].kiali.url)';
  const inNamespace = `${kiali}/console/namespaces/${enc(namespace)}`;
  return [
    linkOr(
      'Kiali: application',
      kiali && `${inNamespace}/applications/${enc(app)}`,
      noKiali,
    ),
    linkOr(
      'Kiali: workload',
      kiali && workload && `${inNamespace}/workloads/${enc(workload)}`,
      kiali ? 'workload unknown' : noKiali,
    ),
    linkOr(
      'Kiali: service',
      kiali && `${inNamespace}/services/${enc(service)}`,
      noKiali,
    ),
    linkOr(
      'Kiali: namespace graph',
      kiali &&
        `${kiali}/console/graph/namespaces?namespaces=${enc(
          namespace,
        )}&graphType=versionedApp&duration=600`,
      noKiali,
    ),
  ];
}

/** Grafana `/d/<uid>` links to Istio's service and workload dashboards. */
function grafanaLinks(links: IstioToolLinks, target: ToolLinkTarget) {
  const { namespace, workload, service } = target;
  const grafana = links.grafanaUrl;
  const dashboards = links.grafanaDashboards ?? {};
  const noGrafana = grafana
    ? 'no dashboard UID configured (istio.clusters[].grafana.dashboards)'
    : 'no Grafana URL configured (istio.clusters[].grafana.url)';
  const dashboard = (uid: string, variables: Record<string, string>) =>
    `${grafana}/d/${enc(uid)}?${new URLSearchParams({
      ...variables,
      orgId: '1',
    })}`;
  return [
    linkOr(
      'Grafana: Istio service dashboard',
      grafana &&
        dashboards.service &&
        dashboard(dashboards.service, {
          'var-service': `${service}.${namespace}.svc.cluster.local`,
        }),
      noGrafana,
    ),
    linkOr(
      'Grafana: Istio workload dashboard',
      grafana &&
        dashboards.workload &&
        workload &&
        dashboard(dashboards.workload, {
          'var-namespace': namespace,
          'var-workload': workload,
        }),
      noGrafana,
    ),
  ];
}

/**
 * Kiali, Grafana and Jaeger links for a workload, in the URL formats those tools use
 * (Kiali console routes, Grafana `/d/<uid>` with Istio dashboard variables, Jaeger search).
 */
export function toolLinks(
  links: IstioToolLinks,
  target: ToolLinkTarget,
): ToolLink[] {
  return [
    ...kialiLinks(links.kialiUrl, target),
    ...grafanaLinks(links, target),
    linkOr(
      'Jaeger: traces',
      links.jaegerUrl && jaegerSearchUrl(links.jaegerUrl, target.jaegerService),
      'no Jaeger URL configured (istio.clusters[].jaeger.url)',
    ),
  ];
}
