// The watch under our live lists, against the demo cluster: events reach the callback,
// the server is asked to end each watch, a cluster that does not answer fails it, a
// refusal carries its status for the informer, and a stopped informer is freed.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { DemoCluster } from '@istio-backstage/demo-cluster';
import {
  startDefaultDemoCluster,
  SERVICE_TYPE,
} from '../../__testUtils__/defaultDemoCluster';
import {
  ListWatch,
  type KubeConfig,
  type V1Service,
} from '@kubernetes/client-node';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { BoundedWatch, WatchTimeoutError } from './BoundedWatch';

jest.setTimeout(30_000);

let demo: DemoCluster;
beforeEach(async () => {
  demo = await startDefaultDemoCluster();
});
afterEach(async () => {
  await demo?.stop();
});

const clientOf = () => clusterAccessFor([{ name: 'demo', demo }]).get('demo');
let kubeConfig: KubeConfig;
beforeEach(async () => {
  // A read loads the credential into the kube config watches use.
  kubeConfig = (await clientOf().apis()).kubeConfig;
});

/** Starts a watch of every Service; resolves with what it saw when it ended. */
function watchServices(
  timings: { timeoutSeconds: number; answerTimeoutMs: number },
  queryParams: Record<string, string> = {},
) {
  const events: string[] = [];
  const watch = new BoundedWatch(kubeConfig, timings);
  const startedAt = Date.now();
  const ended = new Promise<{ error: unknown; afterMs: number }>(resolve => {
    watch
      .watch(
        '/api/v1/services',
        queryParams,
        (phase, object) => events.push(`${phase} ${object.metadata.name}`),
        error => resolve({ error, afterMs: Date.now() - startedAt }),
      )
      .catch(error => resolve({ error, afterMs: Date.now() - startedAt }));
  });
  return { events, ended };
}

describe('BoundedWatch', () => {
  it('delivers the events and ends cleanly when the server ends the watch after timeoutSeconds', async () => {
    const { events, ended } = watchServices({
      timeoutSeconds: 1,
      answerTimeoutMs: 2_000,
    });
    const { error, afterMs } = await ended;
    expect(error).toBeNull();
    // Without a resourceVersion the simulator replays every Service as ADDED.
    expect(events).toHaveLength(demo.store.list(SERVICE_TYPE).length);
    expect(events[0]).toMatch(/^ADDED /);
    expect(afterMs).toBeGreaterThanOrEqual(900);
    expect(afterMs).toBeLessThan(2_000);
  });

  it('fails with a timeout when the cluster does not answer', async () => {
    demo.setFaults([{ pathPattern: '^/api/v1/services$', hang: true }]);
    const { ended } = watchServices({
      timeoutSeconds: 60,
      answerTimeoutMs: 300,
    });
    const { error, afterMs } = await ended;
    expect(error).toBeInstanceOf(WatchTimeoutError);
    expect(afterMs).toBeLessThan(2_000);
  });

  it('passes a refusal on with its status, which the informer reads (410 means list again)', async () => {
    demo.setFaults([{ pathPattern: '^/api/v1/services$', status: 410 }]);
    const { ended } = watchServices({
      timeoutSeconds: 60,
      answerTimeoutMs: 2_000,
    });
    const { error } = await ended;
    expect(error).toMatchObject({ statusCode: 410 });
  });

  it('leaves nothing behind once its informer is stopped (client-node 1.4 Watch kept each stopped informer and its copy)', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const client = clientOf();
    let informer: ListWatch<V1Service> | undefined = new ListWatch(
      '/api/v1/services',
      new BoundedWatch((await client.apis()).kubeConfig, {
        timeoutSeconds: 60,
        answerTimeoutMs: 2_000,
      }),
      () => client.read(apis => apis.core.listServiceForAllNamespaces()),
      false,
    );
    const listed = new Promise(resolve => informer!.on('connect', resolve));
    await informer.start();
    await listed;
    expect(informer.list().length).toBe(demo.store.list(SERVICE_TYPE).length);
    const freed = new WeakRef(informer);
    await informer.stop();
    informer = undefined;
    for (let i = 0; i < 5 && freed.deref(); i++) {
      await new Promise(resolve => setTimeout(resolve, 50));
      gc();
    }
    expect(freed.deref()).toBeUndefined();
  });
});
