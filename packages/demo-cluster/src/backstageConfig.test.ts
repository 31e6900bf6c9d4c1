import yaml from 'yaml';
import {
  backstageConfigFor,
  DEMO_GRAFANA_DASHBOARDS,
  demoToolsFor,
} from './backstageConfig';
import { buildObjects } from './scenario/buildObjects';
import { listScenarios, loadScenario } from './scenario/loadScenario';
import type { KubeObject } from './store/types';

const connection = {
  url: 'https://127.0.0.1:6443',
  caPem: '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n',
  token: 'demo-writer-token',
};

/** The demo's own ports: Backstage app and backend, the clusters, Prometheus, metrics. */
const DEMO_PORTS = [3000, 7007, 6443, 6444, 9091, 9464];

describe('demoToolsFor', () => {
  const scenario = loadScenario('default');

  it('links Kiali, Jaeger and Grafana through localhost port-forwards', () => {
    expect(demoToolsFor(scenario)).toEqual({
      kiali: {
        url: 'http://localhost:20001/kiali',
        portForward:
          'kubectl -n istio-system port-forward svc/kiali 20001:20001',
      },
      jaeger: {
        url: 'http://localhost:16686/jaeger',
        portForward:
          'kubectl -n observability port-forward svc/jaeger-query 16686:16686',
      },
      grafana: {
        url: 'http://localhost:3001',
        portForward: 'kubectl -n monitoring port-forward svc/grafana 3001:3000',
        dashboards: DEMO_GRAFANA_DASHBOARDS,
      },
    });
  });

  it('uses the ports and web root the scenario cluster really has', () => {
    const { objects } = buildObjects(scenario);
    const find = (kind: string, namespace: string, name: string) =>
      objects.find(
        (o: KubeObject) =>
          o.kind === kind &&
          o.metadata?.namespace === namespace &&
          o.metadata?.name === name,
      ) as any;
    const servicePorts = (namespace: string, name: string) =>
      find('Service', namespace, name)?.spec.ports.map(
        (p: { port: number }) => p.port,
      );
    const kialiConfig = yaml.parse(
      find('ConfigMap', 'istio-system', 'kiali').data['config.yaml'],
    );
    expect(kialiConfig.server).toEqual({ web_root: '/kiali', port: 20001 });
    expect(servicePorts('istio-system', 'kiali')).toContain(20001);
    expect(kialiConfig.external_services.tracing.in_cluster_url).toMatch(
      /\/jaeger$/,
    );
    expect(servicePorts('observability', 'jaeger-query')).toContain(16686);
    expect(servicePorts('monitoring', 'grafana')).toContain(3000);
  });

  it.each(listScenarios())('never takes a port the demo uses (%s)', name => {
    const local = Object.values(demoToolsFor(loadScenario(name))).map(t =>
      Number(/ (\d+):\d+$/.exec(t!.portForward)![1]),
    );
    for (const port of local) expect(DEMO_PORTS).not.toContain(port);
    for (const tool of Object.values(demoToolsFor(loadScenario(name))))
      expect(tool!.url).toMatch(/^http:\/\/localhost:\d+(\/[a-z]+)?$/);
  });

  it('links only the tools a scenario runs', () => {
    expect(
      demoToolsFor({ ...scenario, kiali: undefined, namespaces: [] }),
    ).toEqual({});
    expect(
      demoToolsFor({
        ...scenario,
        kiali: { namespace: 'kiali', externalServices: {}, webRoot: '/' },
      }).kiali?.url,
    ).toBe('http://localhost:20001');
  });
});

describe('backstageConfigFor', () => {
  it('writes the tool links into istio.clusters[] as an adopter would', () => {
    const config = yaml.parse(
      backstageConfigFor({
        ...connection,
        prometheusUrl: 'http://127.0.0.1:9091',
        scenario: loadScenario('default'),
      }),
    );
    expect(config.istio).toEqual({
      clusters: [
        {
          name: 'demo',
          prometheus: { url: 'http://127.0.0.1:9091' },
          kiali: { url: 'http://localhost:20001/kiali' },
          jaeger: { url: 'http://localhost:16686/jaeger' },
          grafana: {
            url: 'http://localhost:3001',
            dashboards: {
              service: 'istio-service',
              workload: 'istio-workload',
              mesh: 'istio-mesh',
            },
          },
        },
      ],
    });
    expect(
      config.kubernetes.clusterLocatorMethods[0].clusters.map(
        (c: { name: string }) => c.name,
      ),
    ).toEqual(['demo']);
  });

  it('writes no istio section when there is nothing to add', () => {
    expect(yaml.parse(backstageConfigFor(connection)).istio).toBeUndefined();
    expect(
      yaml.parse(
        backstageConfigFor({ ...connection, prometheusUrl: 'http://p:9090' }),
      ).istio,
    ).toEqual({
      clusters: [{ name: 'demo', prometheus: { url: 'http://p:9090' } }],
    });
  });
});
