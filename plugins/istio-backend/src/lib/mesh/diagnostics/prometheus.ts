import {
  envoyStatsScrapeJob,
  istiodScrapeJob,
} from '@istio-backstage/plugin-istio-common';
import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import { meshRevisions } from '../meshRevisions';
import { istiodName, revisionsNamed } from './istio';
import { istioProxyContainer, podRef } from './k8s';

const OPERATOR_NOTE =
  'With the Prometheus operator, add the jobs to the additional-scrape-configs Secret.';

/**
 * Envoy metrics not scraped: Prometheus is configured for the cluster and answered, has
 * no Envoy series, and there are proxies that should produce them.
 */
export const envoyMetricsNotScraped: DiagnosticRule = (inventory, mesh) => {
  const { prometheus } = mesh;
  if (!prometheus.configured || prometheus.envoySeries !== 'no') return [];
  const proxies = mesh.meshSize.proxies;
  // No proxies, no Envoy series to expect.
  if (!(proxies !== undefined && proxies > 0) && mesh.gateways.length === 0) {
    return [];
  }
  const example = inventory.pods?.find(pod => istioProxyContainer(pod));
  const object: ObjectRef | undefined = example && podRef(example);
  const mergeOff = meshRevisions(
    inventory,
    mesh.controlPlanes,
  ).revisions.filter(r => r.config.known && !r.config.prometheusMerge);
  const merge = mergeOff.length
    ? ` meshConfig.enablePrometheusMerge is off in ${revisionsNamed(
        mergeOff,
      )}, so ${
        mergeOff.length === 1 ? 'its' : 'their'
      } pods carry no prometheus.io scrape annotations either.`
    : '';
  return [
    makeDiagnostic('IBS-ENVOY-METRICS-NOT-SCRAPED', {
      object,
      message: `The cluster's Prometheus has no Envoy series (istio_requests_total, envoy_*) although ${
        proxies !== undefined ? `${proxies} proxies run` : 'gateways run'
      }${
        object ? `, for example ${describeObject(object)}` : ''
      }: Kiali's graph, Istio dashboards and sidecar memory history stay empty.${merge}`,
      fix: {
        text: `Add the envoy-stats scrape job (port name *-envoy-prom, path /stats/prometheus), or keep meshConfig.enablePrometheusMerge: true and let Prometheus scrape pods by their prometheus.io annotations. ${OPERATOR_NOTE}`,
        yaml: yamlDocs({
          comment: 'prometheus.yml scrape_configs (Istio\'s "envoy-stats" job)',
          value: [envoyStatsScrapeJob()],
        }),
      },
    }),
  ];
};

/** istiod metrics not scraped: Prometheus answered and has no `pilot_*` series. */
export const istiodMetricsNotScraped: DiagnosticRule = (_inventory, mesh) => {
  const { prometheus } = mesh;
  if (!prometheus.configured || prometheus.istiodSeries !== 'no') return [];
  const cp = mesh.controlPlanes[0];
  if (!cp) return [];
  const object: ObjectRef = {
    kind: 'Service',
    namespace: cp.namespace,
    name: istiodName(cp.revision),
  };
  const namespaces = [...new Set(mesh.controlPlanes.map(c => c.namespace))];
  return [
    makeDiagnostic('IBS-ISTIOD-METRICS-NOT-SCRAPED', {
      object,
      message: `The cluster's Prometheus has no istiod series (pilot_*): port http-monitoring of ${describeObject(
        object,
      )} is not scraped, so control plane dashboards and alerts have no data.`,
      fix: {
        text: `Add the istiod scrape job (endpoints of Service istiod, port http-monitoring). ${OPERATOR_NOTE}`,
        yaml: yamlDocs({
          comment: 'prometheus.yml scrape_configs (Istio\'s "istiod" job)',
          value: [
            istiodScrapeJob({
              namespaces,
              revisioned: mesh.controlPlanes.some(
                c => istiodName(c.revision) !== 'istiod',
              ),
            }),
          ],
        }),
      },
    }),
  ];
};
