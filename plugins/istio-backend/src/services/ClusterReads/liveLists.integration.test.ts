// The Services, ServiceEntries, VirtualServices, DestinationRules and Sidecars kept
// live by watches,
// against the demo cluster: what they answer for each read, that they follow changes,
// that an Istio kind is watched in the version the cluster serves, and that Sidecars
// changed by this process are listed afresh before use.
import { mockServices } from '@backstage/backend-test-utils';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { startDefaultDemoCluster } from '../../__testUtils__/defaultDemoCluster';
import { clusterAccessFor } from '../../__testUtils__/startIstioBackend';
import { createLiveLists, type LiveLists } from './liveLists';

jest.setTimeout(30_000);

const typeOf = (plural: string) =>
  RESOURCE_TYPES.find(
    t => t.plural === plural && (plural === 'services' || t.group !== ''),
  )!;
const SERVICE_ENTRY = typeOf('serviceentries');
const VIRTUAL_SERVICE = typeOf('virtualservices');
const DESTINATION_RULE = typeOf('destinationrules');
const SIDECAR = typeOf('sidecars');

let demo: DemoCluster;
let live: LiveLists | undefined;
beforeEach(async () => {
  demo = await startDefaultDemoCluster();
});
afterEach(async () => {
  live?.stop();
  await demo?.stop();
});

function start() {
  live = createLiveLists({
    clusters: clusterAccessFor([{ name: 'demo', demo }]),
    logger: mockServices.logger.mock(),
    timings: { retryMs: 100, maxRetryMs: 400 },
  });
  live.start();
  return live;
}

/** Waits until `check` holds (lists and watches land on their own time); fails after 10 s. */
async function eventually(check: () => boolean, what: string) {
  const until = Date.now() + 10_000;
  while (!check() && Date.now() < until)
    await new Promise(resolve => setTimeout(resolve, 20));
  expect({ [what]: check() }).toEqual({ [what]: true });
}

/** Waits until every one of `whats` has a current copy on the demo cluster. */
const whenListed = (lists: LiveLists, whats: string[], what = 'listed') =>
  eventually(() => whats.every(w => copyOf(lists, w) !== undefined), what);

/** The demo cluster's live copy of a kind. */
function copyOf(lists: LiveLists, what: string) {
  if (what === 'services') return lists.services('demo');
  if (what === 'serviceentries') return lists.serviceEntries('demo');
  if (what === 'sidecars') return lists.sidecars('demo');
  if (what === 'destinationrules') return lists.destinationRules('demo');
  return lists.virtualServices('demo');
}

const names = (items: unknown) =>
  (items as Array<{ namespace: string; name: string }>)
    .map(i => `${i.namespace}/${i.name}`)
    .sort();
const stored = (type: typeof SERVICE_ENTRY, namespace?: string) =>
  demo.store
    .list(type)
    .filter(o => !namespace || o.metadata.namespace === namespace)
    .map(o => `${o.metadata.namespace}/${o.metadata.name}`)
    .sort();

function createIstioObject(
  type: typeof SERVICE_ENTRY,
  namespace: string,
  name: string,
  spec: object,
) {
  demo.store.create(
    type,
    {
      apiVersion: `networking.istio.io/${type.versions[0]}`,
      kind: type.kind,
      metadata: { name, namespace },
      spec,
    },
    { manager: 'test' },
  );
}

describe('live mesh lists', () => {
  it("answer each cluster's Services, ServiceEntries, VirtualServices, DestinationRules and Sidecars, and nothing for other clusters", async () => {
    createIstioObject(SERVICE_ENTRY, 'istio-demo', 'payments', {
      hosts: ['pay.example.com'],
      ports: [{ number: 443 }],
    });
    createIstioObject(VIRTUAL_SERVICE, 'istio-demo', 'reviews-route', {
      hosts: ['reviews'],
    });
    createIstioObject(VIRTUAL_SERVICE, 'routing', 'reviews-canary', {
      hosts: ['reviews.istio-demo.svc.cluster.local'],
      exportTo: ['istio-demo'],
    });
    createIstioObject(DESTINATION_RULE, 'routing', 'reviews', {
      host: 'reviews.istio-demo.svc.cluster.local',
    });
    const lists = start();
    expect(lists.serviceEntries('demo')).toBeUndefined();
    await whenListed(lists, [
      'services',
      'serviceentries',
      'sidecars',
      'virtualservices',
      'destinationrules',
    ]);
    expect(names(lists.serviceEntries('demo'))).toEqual(stored(SERVICE_ENTRY));
    expect(names(lists.serviceEntries('demo'))).toContain(
      'istio-demo/payments',
    );
    // Every namespace's: one defined elsewhere may route a host a Sidecar keeps.
    expect(names(lists.virtualServices('demo'))).toEqual(
      stored(VIRTUAL_SERVICE),
    );
    expect(lists.virtualServices('demo')).toEqual(
      expect.arrayContaining([
        {
          namespace: 'routing',
          name: 'reviews-canary',
          hosts: ['reviews.istio-demo.svc.cluster.local'],
          exportTo: ['istio-demo'],
          gateways: [],
        },
      ]),
    );
    expect(names(lists.virtualServices('demo'))).toContain(
      'istio-demo/reviews-route',
    );
    expect(names(lists.destinationRules('demo'))).toEqual(
      stored(DESTINATION_RULE),
    );
    expect(lists.destinationRules('demo')).toEqual(
      expect.arrayContaining([
        {
          namespace: 'routing',
          name: 'reviews',
          host: 'reviews.istio-demo.svc.cluster.local',
          exportTo: [],
        },
      ]),
    );
    expect(stored(SIDECAR).length).toBeGreaterThan(0);
    expect(names(lists.sidecars('demo'))).toEqual(stored(SIDECAR));
    expect(lists.services('elsewhere')).toBeUndefined();
  });

  it('follow changes through their watches', async () => {
    const lists = start();
    await whenListed(lists, ['virtualservices', 'destinationrules']);
    createIstioObject(VIRTUAL_SERVICE, 'istio-demo', 'canary', {
      hosts: ['canary.example.com'],
    });
    createIstioObject(DESTINATION_RULE, 'istio-demo', 'canary', {
      host: 'canary.example.com',
    });
    await eventually(
      () =>
        names(lists.virtualServices('demo')).includes('istio-demo/canary') &&
        names(lists.destinationRules('demo')).includes('istio-demo/canary'),
      'creation seen',
    );
  });

  it('watch an Istio kind in the version the cluster serves (v1beta1 without v1)', async () => {
    // As a cluster with Istio < 1.22: networking.istio.io/v1 is not served.
    demo.setFaults([
      { pathPattern: '^/apis/networking\\.istio\\.io/v1/', status: 404 },
    ]);
    const lists = start();
    // The first watch asks for v1 and fails; the list after it watches v1beta1.
    await eventually(
      () =>
        demo
          .recentPaths()
          .filter(p => p === '/apis/networking.istio.io/v1beta1/serviceentries')
          .length >= 3,
      'listed twice and watched in v1beta1',
    );
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(lists.serviceEntries('demo')).toBeDefined();
    const before = demo.recentPaths().length;
    createIstioObject(SERVICE_ENTRY, 'istio-demo', 'payments-gateway', {
      hosts: ['pay.example.com'],
      ports: [{ number: 443 }],
    });
    await eventually(
      () =>
        names(lists.serviceEntries('demo')).includes(
          'istio-demo/payments-gateway',
        ),
      'creation seen',
    );
    // Seen through the v1beta1 watch, without any request.
    expect(demo.recentPaths().slice(before)).toEqual([]);
  });

  it('take the Sidecars out of use when this process changed them, until listed afresh', async () => {
    const lists = start();
    await whenListed(lists, ['sidecars']);
    createIstioObject(SIDECAR, 'istio-demo', 'just-applied', {
      egress: [{ hosts: ['./*'] }],
    });
    lists.relistSidecars('demo');
    expect(lists.sidecars('demo')).toBeUndefined();
    // The other lists stay in use.
    expect(lists.serviceEntries('demo')).toBeDefined();
    await whenListed(lists, ['sidecars'], 'listed again');
    expect(names(lists.sidecars('demo'))).toContain('istio-demo/just-applied');
  });
});
