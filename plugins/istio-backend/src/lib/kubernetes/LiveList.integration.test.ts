// A live list of Services against the demo cluster: it lists, follows changes through
// the watch, and says "not current" (undefined) once its watch broke, until it has
// listed again.
import { mockServices } from '@backstage/backend-test-utils';
import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import type { V1Service } from '@kubernetes/client-node';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { LiveList } from './LiveList';

jest.setTimeout(30_000);

const services = RESOURCE_TYPES.find(
  t => t.group === '' && t.plural === 'services',
)!;

let demo: DemoCluster;
let live: LiveList<V1Service, string[]>;
beforeEach(async () => {
  demo = await startDemoCluster({
    scenario: loadScenario('default'),
    port: 0,
    metricsPort: 0,
  });
  const client = clusterAccessFor([{ name: 'demo', demo }]).get('demo');
  live = new LiveList({
    kubeConfig: client.apis().kubeConfig,
    path: '/api/v1/services',
    list: () => client.read(apis => apis.core.listServiceForAllNamespaces()),
    project: items =>
      items.map(s => `${s.metadata?.namespace}/${s.metadata?.name}`).sort(),
    logger: mockServices.logger.mock(),
    timings: { retryMs: 100 },
  });
});
afterEach(async () => {
  live?.stop();
  await demo?.stop();
});

/** Waits until `check` holds (the watch delivers asynchronously); fails after 5 s. */
async function eventually(check: () => boolean, what: string) {
  const until = Date.now() + 5_000;
  while (!check() && Date.now() < until)
    await new Promise(resolve => setTimeout(resolve, 20));
  expect({ [what]: check() }).toEqual({ [what]: true });
}

const serviceNamed = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'istio-demo' },
  spec: { ports: [{ port: 80 }] },
});

describe('LiveList', () => {
  it('is not current before its first list, then holds every Service', async () => {
    expect(live.current()).toBeUndefined();
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    expect(live.current()).toEqual(
      demo.store
        .list(services)
        .map(s => `${s.metadata.namespace}/${s.metadata.name}`)
        .sort(),
    );
  });

  it('follows creations and deletions through its watch, without listing again', async () => {
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    demo.store.create(services, serviceNamed('new-api'), { manager: 'test' });
    await eventually(
      () => live.current()!.includes('istio-demo/new-api'),
      'creation seen',
    );
    demo.store.delete(services, 'istio-demo', 'new-api');
    await eventually(
      () => !live.current()!.includes('istio-demo/new-api'),
      'deletion seen',
    );
    // One list and one watch request, nothing more.
    expect(
      demo.recentPaths().filter(p => p === '/api/v1/services'),
    ).toHaveLength(2);
  });

  it('is not current while its watch is broken and the cluster refuses to list; current again after', async () => {
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    demo.setFaults([{ pathPattern: '^/api/v1/services$', status: 503 }]);
    demo.closeWatchers();
    await eventually(() => live.current() === undefined, 'out of use');
    // Changes made meanwhile are in the copy once it has listed again.
    demo.store.create(services, serviceNamed('while-down'), {
      manager: 'test',
    });
    demo.setFaults([]);
    await eventually(() => live.current() !== undefined, 'listed again');
    expect(live.current()).toContain('istio-demo/while-down');
  });
});
