import type { IstioToolLinks } from '@istio-backstage/plugin-istio-common';
import { jaegerSearchUrl } from './format';

/** A tool link, or why there is none. */
export type ToolLink =
  | { title: string; url: string }
  | { title: string; missing: string };

/**
 * Kiali, Grafana and Jaeger links for a workload, in the URL formats those tools use
 * (Kiali console routes, Grafana `/d/<uid>` with Istio dashboard variables, Jaeger search).
 */
export function toolLinks(
  links: IstioToolLinks,
  target: {
    namespace: string;
    app: string;
    workload?: string;
    service: string;
    jaegerService: string;
  },
): ToolLink[] {
  const { namespace, app, workload, service, jaegerService } = target;
  const result: ToolLink[] = [];
  const kiali = links.kialiUrl;
  const noKiali = 'no Kiali URL configured (istio.clusters[].kiali.url)';
  const enc = encodeURIComponent;
  result.push(
    kiali
      ? {
          title: 'Kiali: application',
          url: `${kiali}/console/namespaces/${enc(
            namespace,
          )}/applications/${enc(app)}`,
        }
      : { title: 'Kiali: application', missing: noKiali },
    kiali && workload
      ? {
          title: 'Kiali: workload',
          url: `${kiali}/console/namespaces/${enc(namespace)}/workloads/${enc(
            workload,
          )}`,
        }
      : {
          title: 'Kiali: workload',
          missing: kiali ? 'workload unknown' : noKiali,
        },
    kiali
      ? {
          title: 'Kiali: service',
          url: `${kiali}/console/namespaces/${enc(namespace)}/services/${enc(
            service,
          )}`,
        }
      : { title: 'Kiali: service', missing: noKiali },
    kiali
      ? {
          title: 'Kiali: namespace graph',
          url: `${kiali}/console/graph/namespaces?namespaces=${enc(
            namespace,
          )}&graphType=versionedApp&duration=600`,
        }
      : { title: 'Kiali: namespace graph', missing: noKiali },
  );
  const grafana = links.grafanaUrl;
  const dashboards = links.grafanaDashboards ?? {};
  const noGrafana = grafana
    ? 'no dashboard UID configured (istio.clusters[].grafana.dashboards)'
    : 'no Grafana URL configured (istio.clusters[].grafana.url)';
  result.push(
    grafana && dashboards.service
      ? {
          title: 'Grafana: Istio service dashboard',
          url: `${grafana}/d/${enc(dashboards.service)}?${new URLSearchParams({
            'var-service': `${service}.${namespace}.svc.cluster.local`,
            orgId: '1',
          })}`,
        }
      : { title: 'Grafana: Istio service dashboard', missing: noGrafana },
    grafana && dashboards.workload && workload
      ? {
          title: 'Grafana: Istio workload dashboard',
          url: `${grafana}/d/${enc(dashboards.workload)}?${new URLSearchParams({
            'var-namespace': namespace,
            'var-workload': workload,
            orgId: '1',
          })}`,
        }
      : { title: 'Grafana: Istio workload dashboard', missing: noGrafana },
  );
  result.push(
    links.jaegerUrl
      ? {
          title: 'Jaeger: traces',
          url: jaegerSearchUrl(links.jaegerUrl, jaegerService),
        }
      : {
          title: 'Jaeger: traces',
          missing: 'no Jaeger URL configured (istio.clusters[].jaeger.url)',
        },
  );
  return result;
}
