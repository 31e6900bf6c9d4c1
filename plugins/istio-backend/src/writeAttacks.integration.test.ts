/* eslint-disable jest/no-standalone-expect, jest/expect-expect -- the rows are a table:
   each row's run() holds its expectations and is called by the it.each at the end. */
// The attack table of the write path: each row is an attempt to write what the caller
// must not, or to read what bypasses the catalog, against the demo cluster. Every
// attempt must fail with the stated status and leave the cluster's Namespaces and
// Sidecars exactly as they were; the positive rows show the owner's way still works.
// The README's "Security" section describes the same write model.
import type {
  AuditorService,
  AuditorServiceCreateEventOptions,
} from '@backstage/backend-plugin-api';
import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  type DemoCluster,
  type KubeObject,
} from '@istio-backstage/demo-cluster';
import request from 'supertest';
import { bookinfoEntities } from './__testUtils__/bookinfoEntities';
import { startIstioBackend } from './__testUtils__/startIstioBackend';

jest.setTimeout(90_000);

const type = (plural: string) => RESOURCE_TYPES.find(t => t.plural === plural)!;
const sidecars = type('sidecars');
const pods = type('pods');

type Server = Awaited<ReturnType<typeof startIstioBackend>>;

/** An auditor that keeps every event's options and outcome, for the rows to read. */
function recordingAuditor() {
  const events: Array<
    AuditorServiceCreateEventOptions & { outcome?: string; error?: string }
  > = [];
  const auditor: AuditorService = {
    async createEvent(options) {
      const event: (typeof events)[number] = { ...options };
      events.push(event);
      return {
        async success(o) {
          event.outcome = 'succeeded';
          event.meta = { ...event.meta, ...o?.meta };
        },
        async fail(o) {
          event.outcome = 'failed';
          event.error = o.error.message;
          event.meta = { ...event.meta, ...o.meta };
        },
      };
    },
  };
  return {
    events,
    factory: createServiceFactory({
      service: coreServices.auditor,
      deps: {},
      factory: () => auditor,
    }),
  };
}

const component = (
  name: string,
  owner: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type: 'service', lifecycle: 'production', owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

/** The catalog of the rows: bookinfo, the payments team's service, and the attempts. */
const entities: Entity[] = [
  ...bookinfoEntities,
  component('payments-api', 'group:default/payments-team', {
    'backstage.io/kubernetes-id': 'payments-api',
    'backstage.io/kubernetes-namespace': 'payments',
  }),
  // Registered by someone who owns no namespace: claims the payments pods.
  component('payments-grab', 'user:default/attacker', {
    'backstage.io/kubernetes-label-selector': 'app=payments-api',
    'backstage.io/kubernetes-namespace': 'payments',
  }),
  // In a namespace its owners own, but selecting every sidecar pod there.
  component('everything', 'group:default/bookinfo-team', {
    'backstage.io/kubernetes-label-selector': 'security.istio.io/tlsMode=istio',
    'backstage.io/kubernetes-namespace': 'istio-demo',
  }),
  // Same pods as productpage, another entity.
  component('productpage-twin', 'group:default/bookinfo-team', {
    'backstage.io/kubernetes-id': 'productpage',
    'backstage.io/kubernetes-namespace': 'istio-demo',
  }),
  component('hidden', 'user:default/attacker', {
    'backstage.io/kubernetes-id': 'ratings',
    'backstage.io/kubernetes-namespace': 'istio-demo',
  }),
];

/** The catalog as each user sees it: `hidden` is visible to its owner only. */
const catalogFactory = createServiceFactory({
  service: catalogServiceRef,
  deps: {},
  factory: () => {
    const all = catalogServiceMock({ entities });
    const visible = catalogServiceMock({
      entities: entities.filter(e => e.metadata.name !== 'hidden'),
    });
    const sees = (credentials: unknown) =>
      (credentials as { principal?: { userEntityRef?: string } }).principal
        ?.userEntityRef === 'user:default/attacker'
        ? all
        : visible;
    return new Proxy(all, {
      get(_target, method: keyof typeof all | 'then') {
        // Not a promise: the service registry awaits what the factory returns.
        if (method === 'then') return undefined;
        return (...args: unknown[]) => {
          const options = args[args.length - 1] as { credentials?: unknown };
          const catalog = sees(options?.credentials);
          return (catalog[method] as (...a: unknown[]) => unknown)(...args);
        };
      },
    });
  },
});

/** Everything a write could change: every Namespace and Sidecar, as stored. */
const snapshot = (demo: DemoCluster) =>
  JSON.stringify([
    demo.store.list(type('namespaces')),
    demo.store.list(sidecars),
  ]);

const user = (name: string) =>
  mockCredentials.user.header(`user:default/${name}`);

/** A Sidecar apply request as the UI sends it. */
const applyBody = (entity: string, namespace = 'istio-demo') => ({
  entityRef: `component:default/${entity}`,
  cluster: 'demo',
  namespace,
});

async function post(server: Server, as: string, body: object) {
  return request(server)
    .post('/api/istio/sidecars')
    .set('Authorization', user(as))
    .send(body);
}

/** The dry run, then the apply with its digest (the UI's flow). */
async function approvedApply(
  server: Server,
  as: string,
  body: ReturnType<typeof applyBody> & { extraHosts?: string[] },
) {
  const dry = await post(server, as, { ...body, dryRun: true });
  if (dry.status !== 200) return dry;
  return post(server, as, { ...body, dryRun: false, digest: dry.body.digest });
}

/** A pod of the payments team started in istio-demo (it carries their entity's id). */
function addPaymentsPodToIstioDemo(demo: DemoCluster) {
  const template = demo.store
    .list(pods, 'istio-demo')
    .find(p => p.metadata.labels?.app === 'details')!;
  const pod: KubeObject = structuredClone(template);
  pod.metadata = {
    name: 'payments-worker-7c9d',
    namespace: 'istio-demo',
    labels: {
      app: 'payments-worker',
      'backstage.io/kubernetes-id': 'payments-api',
      'security.istio.io/tlsMode': 'istio',
    },
    annotations: template.metadata.annotations,
  };
  demo.store.create(pods, pod, { manager: 'kube-controller-manager' });
}

/** What each row gets. */
interface Row {
  name: string;
  /** Expected status of the attempt. */
  status: number;
  /** The message must say this (names the namespace, the owner, the fix…). */
  says?: RegExp;
  /** Changes the cluster before the attempt (not counted as the attempt's change). */
  before?: (demo: DemoCluster, server: Server) => Promise<void> | void;
  attempt: (server: Server, demo: DemoCluster) => Promise<request.Response>;
  /** Overrides the permission decisions (default: allow everything). */
  deny?: string[];
  /** Whether the row changes the cluster (positive rows). */
  writes?: boolean;
  /** What the auditor must have recorded last for the attempt; none when absent. */
  audited?: { outcome: string; meta?: Record<string, unknown> };
}

const rows: Row[] = [
  {
    name: "foreign namespace through an entity's annotations",
    status: 403,
    says: /namespace 'payments'.*group:default\/payments-team/,
    attempt: s =>
      approvedApply(s, 'attacker', applyBody('payments-grab', 'payments')),
    audited: {
      outcome: 'failed',
      meta: { entityRef: 'component:default/payments-grab' },
    },
  },
  {
    name: "another team's service in its namespace (the demo's payments)",
    audited: { outcome: 'failed' },
    status: 403,
    says: /not a member/,
    attempt: s =>
      approvedApply(s, 'mock', applyBody('payments-api', 'payments')),
  },
  {
    name: "a selector matching another team's pods",
    audited: { outcome: 'failed' },
    status: 403,
    says: /payments-worker.*not this entity's or not yours/,
    before: demo => addPaymentsPodToIstioDemo(demo),
    attempt: s => approvedApply(s, 'mock', applyBody('everything')),
  },
  {
    name: "overwriting another entity's Sidecar",
    audited: { outcome: 'failed' },
    status: 409,
    says: /was applied for component:default\/productpage/,
    before: async (_demo, s) => {
      expect(
        (await approvedApply(s, 'mock', applyBody('productpage'))).status,
      ).toBe(200);
    },
    attempt: s => approvedApply(s, 'mock', applyBody('productpage-twin')),
  },
  {
    name: 'overwriting a hand-made Sidecar',
    audited: { outcome: 'failed' },
    status: 409,
    says: /not applied for an entity through Backstage \(field managers: kubectl\)/,
    before: async (demo, s) => {
      const dry = await post(s, 'mock', {
        ...applyBody('productpage'),
        dryRun: true,
      });
      const planned = dry.body.changes[0].name;
      demo.store.apply(
        sidecars,
        {
          apiVersion: 'networking.istio.io/v1',
          kind: 'Sidecar',
          metadata: { name: planned, namespace: 'istio-demo' },
          spec: {
            workloadSelector: {
              labels: { 'backstage.io/kubernetes-id': 'productpage' },
            },
            egress: [{ hosts: ['./*', 'istio-system/*'] }],
          },
        },
        { manager: 'kubectl', force: false },
      );
    },
    attempt: s => approvedApply(s, 'mock', applyBody('productpage')),
  },
  {
    name: 'apply with a stale digest (the Sidecar changed since the dry run)',
    audited: { outcome: 'failed' },
    status: 409,
    says: /changed since the dry run/,
    attempt: async s => {
      const stale = await post(s, 'mock', {
        ...applyBody('productpage'),
        dryRun: true,
      });
      await approvedApply(s, 'mock', applyBody('productpage'));
      const res = await post(s, 'mock', {
        ...applyBody('productpage'),
        dryRun: false,
        digest: stale.body.digest,
      });
      // The answer carries the new dry run, to show and approve again.
      expect(res.body.current.digest).not.toBe(stale.body.digest);
      expect(res.body.current.changes[0].action).toBe('unchanged');
      return res;
    },
    // The row's own first apply writes; the stale one must not write again.
    writes: true,
  },
  {
    name: 'apply with a forged digest',
    status: 409,
    says: /nothing was written/,
    attempt: s =>
      post(s, 'mock', {
        ...applyBody('productpage'),
        dryRun: false,
        digest: 'f'.repeat(64),
      }),
    audited: { outcome: 'failed', meta: { approvedDigest: 'f'.repeat(64) } },
  },
  {
    name: 'apply without a digest',
    status: 400,
    says: /digest/,
    attempt: s =>
      post(s, 'mock', { ...applyBody('productpage'), dryRun: false }),
  },
  {
    name: 'namespace read without istio.namespace.read',
    status: 403,
    says: /istio.namespace.read/,
    deny: ['istio.namespace.read'],
    attempt: s =>
      request(s)
        .get('/api/istio/sidecar-memory?cluster=demo&namespace=payments')
        .set('Authorization', user('mock')),
  },
  {
    name: 'body with extra fields',
    status: 400,
    says: /Unrecognized key/,
    attempt: s =>
      post(s, 'mock', {
        ...applyBody('productpage'),
        dryRun: true,
        yaml: 'kind: Secret',
      }),
  },
  {
    name: 'body with wrong types',
    status: 400,
    says: /dryRun: Expected boolean/,
    attempt: s =>
      post(s, 'mock', {
        ...applyBody('productpage'),
        dryRun: 'false',
        extraHosts: 'x',
      }),
  },
  {
    name: 'a 10 MB body',
    status: 413,
    attempt: s =>
      request(s)
        .post('/api/istio/sidecars')
        .set('Authorization', user('mock'))
        .set('Content-Type', 'application/json')
        .send(
          JSON.stringify({
            ...applyBody('productpage'),
            padding: 'x'.repeat(10 * 1024 * 1024),
          }),
        ),
  },
  {
    name: 'an entity the caller cannot see',
    audited: { outcome: 'failed' },
    status: 404,
    says: /No entity component:default\/hidden/,
    attempt: s => approvedApply(s, 'mock', applyBody('hidden')),
  },
  {
    name: 'an apply the permission policy refuses',
    status: 403,
    says: /Not allowed to apply Sidecars for component:default\/productpage/,
    deny: ['istio.sidecar.apply'],
    attempt: s => approvedApply(s, 'mock', applyBody('productpage')),
    audited: { outcome: 'failed', meta: { user: 'user:default/mock' } },
  },
  {
    name: 'the owner applies (positive)',
    status: 200,
    writes: true,
    attempt: async s => {
      const res = await approvedApply(s, 'mock', applyBody('productpage'));
      expect(res.body.changes[0].action).toBe('created');
      return res;
    },
    audited: {
      outcome: 'succeeded',
      meta: {
        user: 'user:default/mock',
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: 'istio-demo',
        dryRun: false,
        objects: ['productpage'],
        digest: expect.stringMatching(/^[0-9a-f]{64}$/),
        changes: ['productpage:created'],
      },
    },
  },
  {
    name: 'the owner applies again: nothing changes (positive)',
    audited: { outcome: 'succeeded' },
    status: 200,
    before: async (_demo, s) => {
      await approvedApply(s, 'mock', applyBody('productpage'));
    },
    attempt: async s => {
      const res = await approvedApply(s, 'mock', applyBody('productpage'));
      expect(res.body.changes[0].action).toBe('unchanged');
      return res;
    },
  },
  {
    name: 'the owner rolls an added host back (positive)',
    audited: { outcome: 'succeeded' },
    status: 200,
    writes: true,
    attempt: async (s, demo) => {
      const base = applyBody('productpage');
      await approvedApply(s, 'mock', base);
      const first = JSON.stringify(
        demo.store.list(sidecars, 'istio-demo')[0].spec,
      );
      const widened = await approvedApply(s, 'mock', {
        ...base,
        extraHosts: ['payments/payments-api.payments.svc.cluster.local'],
      });
      expect(widened.body.changes[0].action).toBe('configured');
      const back = await approvedApply(s, 'mock', base);
      expect(back.body.changes[0].action).toBe('configured');
      expect(
        JSON.stringify(demo.store.list(sidecars, 'istio-demo')[0].spec),
      ).toBe(first);
      return back;
    },
  },
];

/** The last auditor event of the attempt, when the row expects one. */
function expectedEvent(row: Row) {
  if (!row.audited) return undefined;
  return expect.objectContaining({
    eventId: 'sidecar-apply',
    outcome: row.audited.outcome,
    meta: expect.objectContaining(row.audited.meta ?? {}),
  });
}

/** A refusal says why (what `says` names, when given); a success has no error. */
function expectedMessage(row: Row) {
  if (row.status < 400) return undefined;
  return row.says ? expect.stringMatching(row.says) : expect.any(String);
}

describe('the write path refuses every attempt it must, and changes nothing then', () => {
  let demo: DemoCluster;
  beforeEach(async () => {
    demo = await startDemoCluster({
      scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
      port: 0,
      metricsPort: 0,
    });
  });
  afterEach(() => demo?.stop());

  it.each(rows.map(r => [r.name, r] as const))('%s', async (_name, row) => {
    const audit = recordingAuditor();
    const server = await startIstioBackend(
      [{ name: 'demo', demo, token: 'demo-writer-token' }],
      [
        catalogFactory,
        audit.factory,
        mockServices.permissions.mock({
          async authorize(requests) {
            return requests.map(r => ({
              result: row.deny?.includes(r.permission.name)
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
            }));
          },
        }).factory,
      ],
      entities,
      { apply: { settleSeconds: 0 } },
    );
    await row.before?.(demo, server);
    const before = snapshot(demo);
    const eventsBefore = audit.events.length;

    const res = await row.attempt(server, demo);

    expect({ status: res.status, message: res.body?.error?.message }).toEqual({
      status: row.status,
      message: expectedMessage(row),
    });
    expect(snapshot(demo) === before).toBe(!row.writes);
    // Refusals before the apply service (bad bodies, reads) record no apply event.
    expect(audit.events.slice(eventsBefore).at(-1)).toEqual(expectedEvent(row));
  });
});
