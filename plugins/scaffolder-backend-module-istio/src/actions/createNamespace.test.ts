import { loadScenario } from '@istio-backstage/demo-cluster';
// istio:namespace:create against the demo cluster over real HTTPS: what the cluster
// holds afterwards, dry runs, re-runs, refusals before any cluster call, conflicts,
// webhook rejections and cancellation.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type {
  AuditorService,
  BackstageCredentials,
} from '@backstage/backend-plugin-api';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { NamespaceOwnerRules } from '@istio-backstage/plugin-istio-node';
import yaml from 'yaml';
import {
  clusterAccessFor,
  startTestDemoCluster,
} from '../__testUtils__/demoClusters';
import { createMeshNamespaceAction } from './createNamespace';
import { examples } from './createNamespace.examples';

jest.setTimeout(60_000);

const type = (plural: string) => RESOURCE_TYPES.find(t => t.plural === plural)!;
const namespaces = type('namespaces');
const sidecars = type('sidecars');
const telemetries = type('telemetries');
const peerAuthentications = type('peerauthentications');

let demo: DemoCluster;
beforeAll(async () => {
  // The default mesh plus a canary control plane, for namespaces bound to a revision.
  const scenario = loadScenario('default');
  demo = await startTestDemoCluster({
    ...scenario,
    istio: { ...scenario.istio, revisions: [{ name: 'canary' }] },
  });
});
afterAll(() => demo?.stop());
afterEach(() => demo.setFaults([]));

/** Who belongs to which groups, as the catalog's ownership claims would say. */
const claims: Record<string, string[]> = {
  'user:default/mock': ['user:default/mock', 'group:default/mesh-team'],
  'user:default/alice': ['user:default/alice', 'group:default/payments-team'],
  'user:default/mallory': ['user:default/mallory', 'group:default/tools-team'],
  'user:default/paula': ['user:default/paula', 'group:default/platform-team'],
};

/** The owner the tests' own namespaces get: the default caller's team. */
const owned = { owner: 'group:default/mesh-team' };

/** The task's initiator, for `ctx.getInitiatorCredentials`. */
const as = (ref: string) => ({
  getInitiatorCredentials: async () =>
    mockCredentials.user(ref) as BackstageCredentials,
});

interface AuditRecord {
  meta: Record<string, unknown>;
  success: jest.Mock;
  fail: jest.Mock;
}

function setup(
  options: {
    permission?: AuthorizeResult.ALLOW | AuthorizeResult.DENY;
    impersonateUser?: boolean;
  } = {},
) {
  const audits: AuditRecord[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ meta }) => {
      const record = {
        meta: meta ?? {},
        success: jest.fn(),
        fail: jest.fn(),
      };
      audits.push(record);
      return record as unknown as Awaited<
        ReturnType<AuditorService['createEvent']>
      >;
    },
  });
  const permissions = mockServices.permissions({
    result: options.permission ?? AuthorizeResult.ALLOW,
  });
  const userInfo = mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const ref = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return { userEntityRef: ref, ownershipEntityRefs: claims[ref] ?? [ref] };
    },
  });
  const action = createMeshNamespaceAction({
    clusters: clusterAccessFor([{ name: 'demo', demo }]),
    permissions,
    auditor,
    userInfo,
    ownerRules: NamespaceOwnerRules.fromConfig(
      mockServices.rootConfig({
        data: {
          istio: { apply: { platformGroups: ['group:default/platform-team'] } },
        },
      }),
    ),
    impersonateUser: options.impersonateUser,
  });
  return { action, audits };
}

type Ctx = ActionContext<any, any>;

/** Runs the action once; answers its outputs by name. */
async function run(
  action: ReturnType<typeof setup>['action'],
  input: Record<string, unknown>,
  overrides: Partial<Ctx> = {},
) {
  const ctx: Ctx = {
    ...createMockActionContext<Ctx['input']>({ input }),
    ...overrides,
  };
  await action.handler(ctx);
  return Object.fromEntries((ctx.output as jest.Mock).mock.calls) as {
    cluster: string;
    namespace: string;
    dryRun: boolean;
    objects: Array<Record<string, unknown>>;
    notes: string[];
  };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the action to fail');
}

const stored = (ns: string) => ({
  namespace: demo.store.get(namespaces, undefined, ns),
  sidecar: demo.store.get(sidecars, ns, 'default'),
  telemetry: demo.store.get(telemetries, ns, 'default'),
  peerAuthentication: demo.store.get(peerAuthentications, ns, 'default'),
});

const inputOf = (example: { example: string }) =>
  yaml.parse(example.example).steps[0].input;

describe('istio:namespace:create examples', () => {
  it('creates the sidecar namespace of the first example with all its objects', async () => {
    const { action, audits } = setup();
    const out = await run(action, inputOf(examples[0]));
    expect(out).toEqual({
      cluster: 'demo',
      namespace: 'orders',
      dryRun: false,
      notes: [],
      objects: [
        {
          kind: 'Namespace',
          name: 'orders',
          action: 'created',
          checkedByCluster: true,
        },
        ...['Sidecar', 'Telemetry', 'PeerAuthentication'].map(kind => ({
          kind,
          name: 'default',
          namespace: 'orders',
          action: 'created',
          checkedByCluster: true,
        })),
      ],
    });
    const now = stored('orders');
    expect(now.namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio-injection': 'enabled',
    });
    expect(now.namespace?.metadata.annotations).toEqual({
      'istio-backstage.io/owner': 'group:default/platform-team',
    });
    // Created with a POST of the managed-by mark, then the rest applied: our apply
    // alone owns what a later run may change.
    expect(now.namespace?.metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'backstage-istio',
        operation: 'Update',
        fieldsV1: {
          'f:metadata': {
            'f:labels': { 'f:app.kubernetes.io/managed-by': {} },
          },
        },
      }),
      expect.objectContaining({
        manager: 'backstage-istio',
        operation: 'Apply',
      }),
    ]);
    expect(now.sidecar?.spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    expect(now.telemetry?.spec).toEqual({
      tracing: [{ randomSamplingPercentage: 10 }],
    });
    expect(now.peerAuthentication?.spec).toEqual({ mtls: { mode: 'STRICT' } });

    expect(audits).toHaveLength(1);
    expect(audits[0].meta).toMatchObject({
      user: 'user:default/mock',
      cluster: 'demo',
      namespace: 'orders',
      dryRun: false,
      objects: [
        'Namespace/orders',
        'Sidecar/default',
        'Telemetry/default',
        'PeerAuthentication/default',
      ],
    });
    expect(audits[0].success).toHaveBeenCalledWith({
      meta: {
        result: [
          'Namespace/orders:created',
          'Sidecar/default:created',
          'Telemetry/default:created',
          'PeerAuthentication/default:created',
        ],
      },
    });
  });

  it('creates the ambient namespace of the second example, without a Sidecar', async () => {
    const { action } = setup();
    const out = await run(action, inputOf(examples[1]));
    expect(out.objects.map(o => o.kind)).toEqual([
      'Namespace',
      'PeerAuthentication',
    ]);
    expect(out.notes).toEqual([expect.stringMatching(/no effect on ambient/)]);
    const now = stored('reviews-ambient');
    expect(now.namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio.io/dataplane-mode': 'ambient',
    });
    expect(now.sidecar).toBeUndefined();
    expect(now.peerAuthentication?.spec).toEqual({
      mtls: { mode: 'PERMISSIVE' },
    });
  });

  it('creates the revisioned namespace of the third example, never with both injection labels', async () => {
    const { action } = setup();
    const out = await run(action, inputOf(examples[2]));
    expect(out.notes[0]).toMatch(
      /^istio\.io\/rev=canary: injected by revision canary \(istiod in istio-system/,
    );
    const now = stored('checkout-canary');
    expect(now.namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio.io/rev': 'canary',
    });
    expect(now.sidecar?.spec).toEqual({
      egress: [
        {
          hosts: [
            './*',
            'istio-system/*',
            'observability/jaeger-collector.observability.svc.cluster.local',
          ],
        },
      ],
    });
    expect(now.telemetry).toBeUndefined();
  });
});

describe('istio:namespace:create', () => {
  it('refuses a revision the cluster does not run, before writing anything', async () => {
    const { action } = setup();
    await expect(
      run(action, {
        cluster: 'demo',
        namespace: 'wrong-revision',
        revision: '1-99-0',
      }),
    ).rejects.toThrow(
      "The cluster has no control-plane revision or tag '1-99-0'; it has default, canary",
    );
    expect(stored('wrong-revision').namespace).toBeUndefined();
  });

  it('dry-runs a new namespace without writing anything', async () => {
    const { action, audits } = setup();
    const out = await run(
      action,
      { cluster: 'demo', namespace: 'dry-new', tracingSampling: 5 },
      { isDryRun: true },
    );
    expect(out.dryRun).toBe(true);
    expect(out.objects).toEqual([
      {
        kind: 'Namespace',
        name: 'dry-new',
        action: 'created',
        checkedByCluster: true,
      },
      expect.objectContaining({
        kind: 'Sidecar',
        action: 'created',
        checkedByCluster: false,
      }),
      expect.objectContaining({
        kind: 'Telemetry',
        action: 'created',
        checkedByCluster: false,
      }),
    ]);
    expect(out.notes).toEqual([
      expect.stringMatching(/could not dry-run the objects in it/),
    ]);
    expect(stored('dry-new')).toEqual({
      namespace: undefined,
      sidecar: undefined,
      telemetry: undefined,
      peerAuthentication: undefined,
    });
    expect(audits[0].meta.dryRun).toBe(true);
  });

  it('dry-runs a change to its own namespace: the cluster checks every object, nothing changes', async () => {
    const { action } = setup();
    await run(action, {
      cluster: 'demo',
      namespace: 'dry-existing',
      tracingSampling: 1,
      ...owned,
    });
    const before = stored('dry-existing');
    const out = await run(
      action,
      {
        cluster: 'demo',
        namespace: 'dry-existing',
        tracingSampling: 50,
        mtls: 'STRICT',
      },
      { isDryRun: true },
    );
    expect(
      out.objects.map(o => [o.kind, o.action, o.checkedByCluster]),
    ).toEqual([
      ['Namespace', 'unchanged', true],
      ['Sidecar', 'unchanged', true],
      ['Telemetry', 'configured', true],
      ['PeerAuthentication', 'created', true],
    ]);
    expect(stored('dry-existing')).toEqual(before);
  });

  it('is idempotent: a re-run applies again and changes nothing', async () => {
    const { action } = setup();
    const input = {
      cluster: 'demo',
      namespace: 'rerun',
      tracingSampling: 3,
      mtls: 'STRICT',
      ...owned,
    };
    await run(action, input);
    const versions = () =>
      Object.values(stored('rerun')).map(o => o?.metadata.resourceVersion);
    const first = versions();
    const again = await run(action, input);
    expect(again.objects.map(o => o.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
    expect(versions()).toEqual(first);
  });

  it('switches its own namespace from sidecar to ambient, dropping the injection label', async () => {
    const { action } = setup();
    await run(action, { cluster: 'demo', namespace: 'switch-mode', ...owned });
    const out = await run(action, {
      cluster: 'demo',
      namespace: 'switch-mode',
      dataPlaneMode: 'ambient',
    });
    expect(out.objects).toEqual([
      expect.objectContaining({ kind: 'Namespace', action: 'configured' }),
    ]);
    expect(stored('switch-mode').namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio.io/dataplane-mode': 'ambient',
    });
  });

  it('refuses with 409 a namespace someone else created, and leaves it alone', async () => {
    const { action, audits } = setup();
    const before = stored('istio-demo');
    const error = await failure(
      run(action, { cluster: 'demo', namespace: 'istio-demo', mtls: 'STRICT' }),
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toMatch(
      /Namespace 'istio-demo' already exists in cluster 'demo' and was not created by Backstage \(field managers: helm\)/,
    );
    expect(stored('istio-demo')).toEqual(before);
    expect(audits[0].fail).toHaveBeenCalledWith({
      error,
      meta: { written: [] },
    });
  });

  it('refuses a namespace that only copies our label', async () => {
    demo.store.apply(
      namespaces,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'copied-label',
          labels: { 'app.kubernetes.io/managed-by': 'backstage-istio' },
        },
      },
      { manager: 'kubectl', force: false },
    );
    const { action } = setup();
    const error = await failure(
      run(action, { cluster: 'demo', namespace: 'copied-label' }),
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toMatch(/field managers: kubectl/);
    expect(stored('copied-label').sidecar).toBeUndefined();
  });

  it('answers 409 naming the other field manager when someone else owns an object in its namespace', async () => {
    const { action } = setup();
    await run(action, {
      cluster: 'demo',
      namespace: 'taken-sidecar',
      ...owned,
    });
    demo.store.apply(
      sidecars,
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name: 'default', namespace: 'taken-sidecar' },
        spec: { egress: [{ hosts: ['*/*'] }] },
      },
      { manager: 'kubectl', force: true },
    );
    const error = await failure(
      run(action, { cluster: 'demo', namespace: 'taken-sidecar' }),
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toMatch(/conflict with "kubectl"/);
    expect(stored('taken-sidecar').sidecar?.spec).toEqual({
      egress: [{ hosts: ['*/*'] }],
    });
  });

  it.each([
    [
      'an invalid namespace',
      { cluster: 'demo', namespace: 'Not_A_Name' },
      'InputError',
    ],
    [
      'a URL as cluster',
      { cluster: 'https://evil.example.com', namespace: 'ok' },
      'InputError',
    ],
    [
      'a cluster that is not configured',
      { cluster: 'other', namespace: 'ok' },
      'NotFoundError',
    ],
    [
      'an invalid egress host',
      { cluster: 'demo', namespace: 'ok', extraEgressHosts: ['x'] },
      'InputError',
    ],
  ])('refuses %s before any cluster call', async (_case, input, name) => {
    const { action, audits } = setup();
    const before = demo.requestCount();
    const error = await failure(run(action, input));
    expect(error.name).toBe(name);
    expect(demo.requestCount()).toBe(before);
    expect(audits).toEqual([]);
  });

  it('refuses a user without istio.namespace.create before any cluster call', async () => {
    const { action, audits } = setup({ permission: AuthorizeResult.DENY });
    const before = demo.requestCount();
    const error = await failure(
      run(action, { cluster: 'demo', namespace: 'not-allowed' }),
    );
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toMatch(/istio.namespace.create/);
    expect(demo.requestCount()).toBe(before);
    expect(audits).toEqual([]);
  });

  it('stops when cancelled after the Namespace; what was written is whole, and a re-run completes it', async () => {
    const { action, audits } = setup();
    const controller = new AbortController();
    const keys: string[] = [];
    const input = {
      cluster: 'demo',
      namespace: 'cancelled',
      mtls: 'STRICT',
      ...owned,
    };
    const error = await failure(
      run(action, input, {
        signal: controller.signal,
        // The task is cancelled while the Namespace is being written.
        checkpoint: (async ({
          key,
          fn,
        }: {
          key: string;
          fn: () => Promise<unknown>;
        }) => {
          keys.push(key);
          const value = await fn();
          controller.abort();
          return value;
        }) as Ctx['checkpoint'],
      }),
    );
    expect(error.name).toBe('AbortError');
    expect(keys).toEqual(['istio-namespace.demo.-.Namespace.cancelled']);
    const partial = stored('cancelled');
    expect(partial.namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio-injection': 'enabled',
    });
    expect(partial.sidecar).toBeUndefined();
    expect(partial.peerAuthentication).toBeUndefined();
    expect(audits[0].fail).toHaveBeenCalledWith({
      error,
      meta: { written: ['Namespace/cancelled:created'] },
    });

    const rerun = await run(action, input);
    expect(rerun.objects.map(o => [o.kind, o.action])).toEqual([
      ['Namespace', 'unchanged'],
      ['Sidecar', 'created'],
      ['PeerAuthentication', 'created'],
    ]);
    expect(stored('cancelled').peerAuthentication?.spec).toEqual({
      mtls: { mode: 'STRICT' },
    });
  });

  it('makes no call at all when the task is already cancelled', async () => {
    const { action } = setup();
    const controller = new AbortController();
    controller.abort();
    const before = demo.requestCount();
    const error = await failure(
      run(
        action,
        { cluster: 'demo', namespace: 'never' },
        { signal: controller.signal },
      ),
    );
    expect(error.name).toBe('AbortError');
    expect(demo.requestCount()).toBe(before);
  });

  it("passes an admission webhook's refusal on as an InputError with its message, before writing any object in the namespace", async () => {
    const { action } = setup();
    const message =
      'admission webhook "policy.example.com" denied the request: PeerAuthentication mode STRICT needs an exception ticket';
    demo.setFaults([
      {
        pathPattern: '/peerauthentications/',
        method: 'PATCH',
        status: 400,
        message,
      },
    ]);
    const input = {
      cluster: 'demo',
      namespace: 'webhook',
      mtls: 'STRICT',
      ...owned,
    };
    const error = await failure(run(action, input));
    expect(error.name).toBe('InputError');
    expect(error.message).toBe(
      `The cluster rejected PeerAuthentication webhook/default: ${message}`,
    );
    // The Namespace is whole on its own; the Sidecar dry-run passed but was not written.
    const partial = stored('webhook');
    expect(partial.namespace).toBeDefined();
    expect(partial.sidecar).toBeUndefined();

    demo.setFaults([]);
    const rerun = await run(action, input);
    expect(rerun.objects.map(o => o.action)).toEqual([
      'unchanged',
      'created',
      'created',
    ]);
  });

  it('refuses before any write when the cluster does not serve an Istio kind', async () => {
    const { action } = setup();
    demo.setFaults([
      {
        pathPattern: '^/apis/telemetry.istio.io/v1$',
        status: 404,
        message: 'the server could not find the requested resource',
      },
    ]);
    const error = await failure(
      run(action, {
        cluster: 'demo',
        namespace: 'no-telemetry',
        tracingSampling: 1,
      }),
    );
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toMatch(
      /does not serve Telemetry \(telemetry.istio.io\/v1\): is Istio 1.22 or later installed/,
    );
    expect(stored('no-telemetry').namespace).toBeUndefined();
  });

  it("never passes the cluster's 401 on as a 401", async () => {
    const { action } = setup();
    demo.setFaults([{ status: 401 }]);
    const error = await failure(
      run(action, { cluster: 'demo', namespace: 'unauthorized' }),
    );
    expect(error.name).toBe('ServiceUnavailableError');
    expect(error.message).toBe('The cluster rejected the credentials sent');
  });

  it('writes as the initiator when impersonation is on, so cluster RBAC decides', async () => {
    const { action } = setup({ impersonateUser: true });
    // The demo cluster lets user:default/guest write and nobody else.
    const refused = await failure(
      run(
        action,
        { cluster: 'demo', namespace: 'impersonated' },
        as('user:default/visitor'),
      ),
    );
    expect(refused.name).toBe('NotAllowedError');
    expect(refused.message).toMatch(
      /User "user:default\/visitor" cannot create/,
    );
    expect(stored('impersonated').namespace).toBeUndefined();

    await run(
      action,
      { cluster: 'demo', namespace: 'impersonated' },
      as('user:default/guest'),
    );
    expect(stored('impersonated').namespace).toBeDefined();
  });
});

describe('istio:namespace:create of a namespace that does not exist', () => {
  it('refuses a namespace that appears between its check and its create, adopting nothing', async () => {
    const { action, audits } = setup();
    const intruder = {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'racy',
        // Even with our mark copied, a namespace we did not create is not ours.
        labels: { 'app.kubernetes.io/managed-by': 'backstage-istio' },
      },
    };
    const error = await failure(
      run(
        action,
        { cluster: 'demo', namespace: 'racy', mtls: 'STRICT', ...owned },
        {
          // Someone creates it after the run found none, before its create.
          checkpoint: (async ({ fn }: { fn: () => Promise<unknown> }) => {
            demo.store.create(namespaces, intruder, {
              manager: 'kubectl-create',
            });
            return fn();
          }) as Ctx['checkpoint'],
        },
      ),
    );
    expect(error.name).toBe('ConflictError');
    expect(error.message).toBe(
      "Namespace 'racy' appeared in cluster 'demo' after this run found none (someone else created it meanwhile); it was not adopted, and nothing was written",
    );
    const now = stored('racy');
    expect(now.namespace?.metadata.annotations).toBeUndefined();
    expect(
      now.namespace?.metadata.managedFields?.map(
        f => (f as { manager: string }).manager,
      ),
    ).toEqual(['kubectl-create']);
    expect(now.sidecar).toBeUndefined();
    expect(now.peerAuthentication).toBeUndefined();
    expect(audits[0].fail).toHaveBeenCalledWith({
      error,
      meta: { written: [] },
    });
  });
});

describe('istio:namespace:create on a namespace that exists: who may change it', () => {
  it('refuses a re-run by a non-owner to steal a namespace (403), leaving every object as it was', async () => {
    const { action, audits } = setup();
    const alice = as('user:default/alice');
    await run(
      action,
      {
        cluster: 'demo',
        namespace: 'steal-me',
        owner: 'group:default/payments-team',
        tracingSampling: 10,
        mtls: 'STRICT',
      },
      alice,
    );
    const before = stored('steal-me');
    const mallory = as('user:default/mallory');
    const attempts = [
      // Take it over, and widen what its proxies may reach.
      {
        owner: 'group:default/tools-team',
        tracingSampling: 100,
        extraEgressHosts: ['*/evil.example.com'],
      },
      // Only change its settings, keeping the owner.
      { tracingSampling: 100, mtls: 'STRICT' },
    ];
    for (const attempt of attempts) {
      for (const isDryRun of [true, false]) {
        const error = await failure(
          run(
            action,
            { cluster: 'demo', namespace: 'steal-me', ...attempt },
            { ...mallory, isDryRun },
          ),
        );
        expect(error.name).toBe('NotAllowedError');
        expect(error.message).toBe(
          "Namespace 'steal-me' in cluster 'demo' is owned by group:default/payments-team; only its owner or a platform group (group:default/platform-team) may run istio:namespace:create on it again, so nothing was changed",
        );
      }
    }
    expect(stored('steal-me')).toEqual(before);
    expect(audits.slice(1).map(a => a.fail.mock.calls[0][0].meta)).toEqual(
      Array(4).fill({ written: [] }),
    );
  });

  it('lets the owner and a platform group hand a namespace over, and keeps the owner when a re-run names none', async () => {
    const { action } = setup();
    const ownerOf = () =>
      stored('handover').namespace?.metadata.annotations?.[
        'istio-backstage.io/owner'
      ];
    const input = { cluster: 'demo', namespace: 'handover' };
    const alice = as('user:default/alice');
    await run(action, { ...input, owner: 'payments-team' }, alice);
    const again = await run(action, input, alice);
    expect(again.objects[0].action).toBe('unchanged');
    expect(ownerOf()).toBe('group:default/payments-team');

    await run(action, { ...input, owner: 'group:default/billing-team' }, alice);
    expect(ownerOf()).toBe('group:default/billing-team');
    const refused = await failure(
      run(action, { ...input, owner: 'payments-team' }, alice),
    );
    expect(refused.name).toBe('NotAllowedError');
    expect(refused.message).toMatch(/is owned by group:default\/billing-team/);

    await run(
      action,
      { ...input, owner: 'payments-team' },
      as('user:default/paula'),
    );
    expect(ownerOf()).toBe('group:default/payments-team');
  });

  it('leaves a namespace without owner to platform groups, saying how to claim it', async () => {
    const { action } = setup();
    const input = { cluster: 'demo', namespace: 'no-owner' };
    await run(action, input);
    const before = stored('no-owner');
    const error = await failure(run(action, { ...input, ...owned }));
    expect(error.name).toBe('NotAllowedError');
    expect(error.message).toMatch(
      /^Namespace 'no-owner' in cluster 'demo' has no owner, so only a platform group \(group:default\/platform-team\) may run istio:namespace:create on it again; a platform engineer can claim it with `kubectl annotate namespace no-owner istio-backstage.io\/owner=group:default\/<team>`/,
    );
    expect(stored('no-owner')).toEqual(before);

    await run(action, { ...input, ...owned }, as('user:default/paula'));
    expect(
      stored('no-owner').namespace?.metadata.annotations?.[
        'istio-backstage.io/owner'
      ],
    ).toBe('group:default/mesh-team');
  });
});

describe('istio:namespace:create and mutual TLS', () => {
  const peerAuthentication = (
    namespace: string,
    name: string,
    mode: string,
  ) => ({
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace },
    spec: { mtls: { mode } },
  });

  it('never lowers a STRICT PeerAuthentication without allowWeakerMtls', async () => {
    const { action, audits } = setup();
    const input = { cluster: 'demo', namespace: 'strict-ns', ...owned };
    await run(action, { ...input, mtls: 'STRICT' });
    const before = stored('strict-ns');
    for (const isDryRun of [true, false]) {
      const error = await failure(
        run(action, { ...input, mtls: 'PERMISSIVE' }, { isDryRun }),
      );
      expect(error.name).toBe('InputError');
      expect(error.message).toBe(
        "Refusing to lower mutual TLS in namespace 'strict-ns': PeerAuthentication strict-ns/default is STRICT and this run would write PeerAuthentication strict-ns/default with mode PERMISSIVE; set allowWeakerMtls: true to do it on purpose",
      );
    }
    expect(stored('strict-ns')).toEqual(before);

    const out = await run(action, {
      ...input,
      mtls: 'PERMISSIVE',
      allowWeakerMtls: true,
    });
    expect(out.notes).toEqual([
      'Mutual TLS lowered on purpose (allowWeakerMtls): PeerAuthentication strict-ns/default is STRICT and this run would write PeerAuthentication strict-ns/default with mode PERMISSIVE.',
    ]);
    expect(stored('strict-ns').peerAuthentication?.spec).toEqual({
      mtls: { mode: 'PERMISSIVE' },
    });
    expect(audits[audits.length - 1].meta.allowWeakerMtls).toBe(true);
  });

  it("counts a STRICT policy someone else wrote: the namespace's own, else the mesh-wide one", async () => {
    const { action } = setup();
    const input = { cluster: 'demo', namespace: 'locked-down', ...owned };
    await run(action, input);
    demo.store.apply(
      peerAuthentications,
      peerAuthentication('locked-down', 'lockdown', 'STRICT'),
      { manager: 'kubectl', force: false },
    );
    const own = await failure(run(action, { ...input, mtls: 'PERMISSIVE' }));
    expect(own.message).toMatch(
      /PeerAuthentication locked-down\/lockdown is STRICT/,
    );
    expect(stored('locked-down').peerAuthentication).toBeUndefined();

    demo.store.apply(
      peerAuthentications,
      peerAuthentication('istio-system', 'default', 'STRICT'),
      { manager: 'kubectl', force: false },
    );
    try {
      const mesh = await failure(
        run(action, {
          cluster: 'demo',
          namespace: 'new-permissive',
          mtls: 'PERMISSIVE',
        }),
      );
      expect(mesh.message).toMatch(
        /the mesh-wide PeerAuthentication istio-system\/default is STRICT/,
      );
      expect(stored('new-permissive').namespace).toBeUndefined();
    } finally {
      demo.store.delete(peerAuthentications, 'istio-system', 'default');
    }
  });
});
