// A live list of Services against the demo cluster: it lists, follows changes through
// the watch, and says "not current" (undefined) once its watch broke, until it has
// listed again.
import { mockServices } from '@backstage/backend-test-utils';
import type { DemoCluster } from '@istio-backstage/demo-cluster';
import {
  startDefaultDemoCluster,
  SERVICE_TYPE,
} from '../../__testUtils__/defaultDemoCluster';
import type { V1Service } from '@kubernetes/client-node';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { LiveList, type LiveListTimings } from './LiveList';

jest.setTimeout(30_000);

let demo: DemoCluster;
let live: LiveList<V1Service, string[]>;
/** Lists made by `live` (the other requests to the collection's path are watches). */
let lists: number;

function liveList(timings: Partial<LiveListTimings>) {
  const client = clusterAccessFor([{ name: 'demo', demo }]).get('demo');
  return new LiveList<V1Service, string[]>({
    kubeConfig: client.kubeConfig,
    path: '/api/v1/services',
    list: () => {
      lists++;
      return client.read(apis => apis.core.listServiceForAllNamespaces());
    },
    project: items =>
      items.map(s => `${s.metadata?.namespace}/${s.metadata?.name}`).sort(),
    logger: mockServices.logger.mock(),
    timings,
  });
}

const watches = () =>
  demo.recentPaths().filter(p => p === '/api/v1/services').length - lists;

beforeEach(async () => {
  demo = await startDefaultDemoCluster();
  lists = 0;
  live = liveList({ retryMs: 100, maxRetryMs: 400 });
});
afterEach(async () => {
  live?.stop();
  await demo?.stop();
});

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

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
        .list(SERVICE_TYPE)
        .map(s => `${s.metadata.namespace}/${s.metadata.name}`)
        .sort(),
    );
  });

  it('follows creations and deletions through its watch, without listing again', async () => {
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    demo.store.create(SERVICE_TYPE, serviceNamed('new-api'), {
      manager: 'test',
    });
    await eventually(
      () => live.current()!.includes('istio-demo/new-api'),
      'creation seen',
    );
    demo.store.delete(SERVICE_TYPE, 'istio-demo', 'new-api');
    await eventually(
      () => !live.current()!.includes('istio-demo/new-api'),
      'deletion seen',
    );
    // One list and one watch request, nothing more.
    expect({ lists, watches: watches() }).toEqual({ lists: 1, watches: 1 });
  });

  it('asks the server to end each watch, and watches on from where it was without listing again', async () => {
    live = liveList({ retryMs: 100, maxRetryMs: 400, timeoutSeconds: 1 });
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    await sleep(2_500);
    demo.store.create(SERVICE_TYPE, serviceNamed('after-rewatch'), {
      manager: 'test',
    });
    await eventually(
      () => live.current()?.includes('istio-demo/after-rewatch') === true,
      'creation seen on a later watch',
    );
    expect(lists).toBe(1);
    expect(watches()).toBeGreaterThanOrEqual(3);
  });

  it('is not current while its watch is broken and the cluster refuses to list; current again after', async () => {
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    demo.setFaults([{ pathPattern: '^/api/v1/services$', status: 503 }]);
    demo.closeWatchers();
    await eventually(() => live.current() === undefined, 'out of use');
    // Changes made meanwhile are in the copy once it has listed again.
    demo.store.create(SERVICE_TYPE, serviceNamed('while-down'), {
      manager: 'test',
    });
    demo.setFaults([]);
    await eventually(() => live.current() !== undefined, 'listed again');
    expect(live.current()).toContain('istio-demo/while-down');
    // Recovered for good: no further lists (a retired informer, stopped, must not
    // set off another round; each round would keep a copy of the whole list).
    const listsWhenRecovered = lists;
    await sleep(1_000);
    expect(lists).toBe(listsWhenRecovered);
    expect(live.current()).toContain('istio-demo/while-down');
  });

  it('relists on demand: out of use at once, current again with what was changed meanwhile, one watch left', async () => {
    live.start();
    await eventually(() => live.current() !== undefined, 'listed');
    // A change the watch could still be delivering when the copy is asked for.
    demo.store.create(SERVICE_TYPE, serviceNamed('just-applied'), {
      manager: 'test',
    });
    live.relist();
    expect(live.current()).toBeUndefined();
    await eventually(() => live.current() !== undefined, 'listed again');
    expect(live.current()).toContain('istio-demo/just-applied');
    expect(lists).toBe(2);
    // The informer it replaced is stopped: later changes reach the copy through one
    // watch, and no list is made again.
    live.relist();
    live.relist();
    await eventually(
      () => live.current() !== undefined,
      'listed after two relists',
    );
    demo.store.create(SERVICE_TYPE, serviceNamed('later'), { manager: 'test' });
    await eventually(
      () => live.current()?.includes('istio-demo/later') === true,
      'later change seen',
    );
    expect(lists).toBe(4);
    expect(demo.openWatchCount()).toBe(1);
  });

  it('backs off while the cluster lists but refuses to watch (RBAC without `watch`), and recovers', async () => {
    live = liveList({ retryMs: 100, maxRetryMs: 800 });
    demo.setFaults([
      { pathPattern: '^/api/v1/services$', watch: true, status: 403 },
    ]);
    live.start();
    await sleep(3_000);
    // Waits of 100, 200, 400, 800, 800 … ms: about 6 lists, not one every 100 ms.
    expect(lists).toBeGreaterThanOrEqual(3);
    expect(lists).toBeLessThanOrEqual(8);
    demo.setFaults([]);
    await eventually(() => live.current() !== undefined, 'watching');
    const listsWhenRecovered = lists;
    await sleep(1_500);
    expect(lists).toBe(listsWhenRecovered);
    expect(live.current()).toBeDefined();
  });
});
