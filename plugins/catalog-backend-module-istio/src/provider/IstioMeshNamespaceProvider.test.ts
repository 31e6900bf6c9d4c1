// The provider against demo clusters over real HTTPS: namespaces created by the real
// istio:namespace:create action become entities; others are ignored; a cluster that
// fails or hangs never causes a mutation that would drop its entities.
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { EntityProviderMutation } from '@backstage/plugin-catalog-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { NamespaceOwnerRules } from '@istio-backstage/plugin-istio-node';
import { createMeshNamespaceAction } from '@istio-backstage/plugin-scaffolder-backend-module-istio';
import {
  clusterAccessFor,
  recordingConnection,
  recordingLogger,
  startTestDemoCluster,
  type TestCluster,
} from '../__testUtils__/demoClusters';
import { IstioMeshNamespaceProvider } from './IstioMeshNamespaceProvider';

jest.setTimeout(60_000);

const namespaces = RESOURCE_TYPES.find(t => t.plural === 'namespaces')!;

let demo: DemoCluster;
let other: DemoCluster;
beforeAll(async () => {
  [demo, other] = await Promise.all([
    startTestDemoCluster(),
    startTestDemoCluster(),
  ]);
  // Created exactly as the template creates them.
  await createWithAction(demo, {
    namespace: 'orders',
    owner: 'group:default/platform-team',
    tracingSampling: 10,
  });
  await createWithAction(demo, {
    namespace: 'reviews-ambient',
    owner: 'user:default/guest',
    dataPlaneMode: 'ambient',
  });
  await createWithAction(demo, {
    namespace: 'checkout-canary',
    owner: 'group:default/platform-team',
    revision: 'canary',
  });
  await createWithAction(other, {
    namespace: 'orders',
    owner: 'group:default/other-team',
  });
});
afterAll(() => Promise.all([demo?.stop(), other?.stop()]));
afterEach(() => {
  demo.setFaults([]);
  other.setFaults([]);
});

async function createWithAction(
  cluster: DemoCluster,
  input: Record<string, unknown>,
) {
  const action = createMeshNamespaceAction({
    clusters: clusterAccessFor([
      { name: 'demo', demo: cluster, token: 'demo-writer-token' },
    ]),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    auditor: mockServices.auditor.mock(),
    userInfo: mockServices.userInfo(),
    ownerRules: NamespaceOwnerRules.fromConfig(mockServices.rootConfig()),
  });
  await action.handler(
    createMockActionContext({ input: { cluster: 'demo', ...input } }) as any,
  );
}

function setup(
  clusters: TestCluster[],
  options: { defaultOwner?: string } = {},
) {
  const logger = recordingLogger();
  const scheduler = mockServices.scheduler();
  const access = clusterAccessFor(clusters);
  const providers = access.names().map(cluster => {
    const provider = new IstioMeshNamespaceProvider({
      clusters: access,
      cluster,
      logger,
      taskRunner: scheduler.createScheduledTaskRunner({
        frequency: { seconds: 30 },
        timeout: { seconds: 60 },
      }),
      ...options,
    });
    const connection = recordingConnection();
    return { provider, connection };
  });
  return { providers, logger, scheduler };
}

const entitiesOf = (mutation: EntityProviderMutation | undefined): Entity[] =>
  mutation?.type === 'full' ? mutation.entities.map(e => e.entity) : [];
const byName = (entities: Entity[]) =>
  Object.fromEntries(entities.map(e => [e.metadata.name, e]));

describe('IstioMeshNamespaceProvider', () => {
  it('registers the namespaces the action created, with owner, annotations and data-plane mode', async () => {
    const { providers } = setup([{ name: 'demo', demo }]);
    const [{ provider, connection }] = providers;
    expect(provider.getProviderName()).toBe('istio-mesh-namespaces:demo');
    await provider.connect(connection);

    const outcome = await provider.refresh();
    expect(outcome).toEqual({ status: 'applied', entities: 3, skipped: [] });
    expect(connection.mutations).toHaveLength(1);
    const mutation = connection.mutations[0];
    expect(mutation.type).toBe('full');
    expect(
      mutation.type === 'full' && mutation.entities.map(e => e.locationKey),
    ).toEqual([
      'istio-mesh-namespaces:demo',
      'istio-mesh-namespaces:demo',
      'istio-mesh-namespaces:demo',
    ]);

    const entities = byName(entitiesOf(mutation));
    // Only the labelled namespaces: none of the scenario's own (istio-demo,
    // istio-system, observability, the fillers) is there.
    expect(Object.keys(entities).sort()).toEqual([
      'checkout-canary',
      'orders',
      'reviews-ambient',
    ]);
    expect(entities.orders).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'orders',
        namespace: 'default',
        description: 'Istio mesh namespace orders on cluster demo',
        labels: { 'istio-backstage.io/dataplane-mode': 'sidecar' },
        annotations: {
          'backstage.io/managed-by-location': 'istio-mesh-namespaces:demo',
          'backstage.io/managed-by-origin-location':
            'istio-mesh-namespaces:demo',
          'backstage.io/kubernetes-namespace': 'orders',
          'backstage.io/kubernetes-id': 'orders',
          'backstage.io/kubernetes-cluster': 'demo',
        },
      },
      spec: {
        type: 'kubernetes-namespace',
        owner: 'group:default/platform-team',
      },
    });
    expect(entities['reviews-ambient'].metadata.labels).toEqual({
      'istio-backstage.io/dataplane-mode': 'ambient',
    });
    expect(entities['reviews-ambient'].spec?.owner).toBe('user:default/guest');
    expect(entities['checkout-canary'].metadata.labels).toEqual({
      'istio-backstage.io/dataplane-mode': 'sidecar',
      'istio-backstage.io/revision': 'canary',
    });
  });

  it('ignores namespaces without the managed-by label, or with another manager', async () => {
    demo.store.create(
      namespaces,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'helm-owned',
          labels: {
            'app.kubernetes.io/managed-by': 'Helm',
            'istio-injection': 'enabled',
          },
          annotations: { 'istio-backstage.io/owner': 'group:default/x' },
        },
      },
      { manager: 'helm' },
    );
    demo.store.create(
      namespaces,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'unlabelled',
          annotations: { 'istio-backstage.io/owner': 'group:default/x' },
        },
      },
      { manager: 'kubectl' },
    );
    try {
      const { providers } = setup([{ name: 'demo', demo }]);
      const [{ provider, connection }] = providers;
      await provider.connect(connection);
      await provider.refresh();
      const names = entitiesOf(connection.mutations[0]).map(
        e => e.metadata.name,
      );
      expect(names).not.toContain('helm-owned');
      expect(names).not.toContain('unlabelled');
      expect(names).toHaveLength(3);
    } finally {
      demo.store.delete(namespaces, undefined, 'helm-owned');
      demo.store.delete(namespaces, undefined, 'unlabelled');
    }
  });

  it('gives a hand-labelled namespace no entity, whatever owner it claims, with one warning', async () => {
    demo.store.create(
      namespaces,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'injected',
          labels: { 'istio-injection': 'enabled' },
        },
      },
      { manager: 'kubectl-create' },
    );
    // What `kubectl label` and `kubectl annotate` send: merge patches of their own.
    demo.store.mergePatch(
      namespaces,
      { name: 'injected' },
      {
        metadata: {
          labels: { 'app.kubernetes.io/managed-by': 'backstage-istio' },
        },
      },
      { manager: 'kubectl-label' },
    );
    demo.store.mergePatch(
      namespaces,
      { name: 'injected' },
      {
        metadata: {
          annotations: {
            'istio-backstage.io/owner': 'group:default/intruders',
          },
        },
      },
      { manager: 'kubectl-annotate' },
    );
    try {
      const { providers, logger } = setup([{ name: 'demo', demo }], {
        defaultOwner: 'group:default/platform-team',
      });
      const [{ provider, connection }] = providers;
      await provider.connect(connection);
      const first = await provider.refresh();
      await provider.refresh();
      expect(first).toEqual({
        status: 'applied',
        entities: 3,
        skipped: [
          {
            namespace: 'injected',
            reason:
              'its app.kubernetes.io/managed-by label was not written by backstage-istio (field managers: kubectl-create, kubectl-label, kubectl-annotate), so istio:namespace:create did not make it',
          },
        ],
      });
      for (const mutation of connection.mutations) {
        expect(entitiesOf(mutation).map(e => e.metadata.name)).not.toContain(
          'injected',
        );
        expect(entitiesOf(mutation).map(e => e.spec?.owner)).not.toContain(
          'group:default/intruders',
        );
      }
      expect(
        logger.records.filter(
          r => r.level === 'warn' && r.message.includes('injected'),
        ),
      ).toEqual([
        expect.objectContaining({
          message: expect.stringMatching(
            /^Mesh namespace injected of cluster demo is not in the catalog: its app.kubernetes.io\/managed-by label was not written by backstage-istio/,
          ),
        }),
      ]);
    } finally {
      demo.store.delete(namespaces, undefined, 'injected');
    }
  });

  it('ignores an owner annotation rewritten by hand on a namespace the action made', async () => {
    await createWithAction(demo, {
      namespace: 'reannotated',
      owner: 'group:default/platform-team',
    });
    demo.store.mergePatch(
      namespaces,
      { name: 'reannotated' },
      {
        metadata: {
          annotations: {
            'istio-backstage.io/owner': 'group:default/intruders',
          },
        },
      },
      { manager: 'kubectl-annotate' },
    );
    try {
      const skipped = setup([{ name: 'demo', demo }]).providers[0];
      await skipped.provider.connect(skipped.connection);
      expect(await skipped.provider.refresh()).toMatchObject({
        status: 'applied',
        skipped: [
          {
            namespace: 'reannotated',
            reason:
              'its istio-backstage.io/owner annotation was not written by backstage-istio and no default owner is configured',
          },
        ],
      });

      const withDefault = setup([{ name: 'demo', demo }], {
        defaultOwner: 'group:default/mesh-admins',
      }).providers[0];
      await withDefault.provider.connect(withDefault.connection);
      await withDefault.provider.refresh();
      expect(
        byName(entitiesOf(withDefault.connection.mutations[0])).reannotated
          ?.spec?.owner,
      ).toBe('group:default/mesh-admins');
    } finally {
      demo.store.delete(namespaces, undefined, 'reannotated');
    }
  });

  it('skips a labelled namespace without owner with one warning, or uses the default owner', async () => {
    demo.store.create(
      namespaces,
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: {
          name: 'ownerless',
          labels: { 'app.kubernetes.io/managed-by': 'backstage-istio' },
        },
      },
      { manager: 'backstage-istio' },
    );
    try {
      const { providers, logger } = setup([{ name: 'demo', demo }]);
      const [{ provider, connection }] = providers;
      await provider.connect(connection);
      const first = await provider.refresh();
      await provider.refresh();
      expect(first).toEqual({
        status: 'applied',
        entities: 3,
        skipped: [
          {
            namespace: 'ownerless',
            reason: expect.stringMatching(/no istio-backstage.io\/owner/),
          },
        ],
      });
      expect(
        entitiesOf(connection.mutations[1]).map(e => e.metadata.name),
      ).not.toContain('ownerless');
      // Warned about once, not on every run.
      expect(
        logger.records.filter(
          r => r.level === 'warn' && r.message.includes('ownerless'),
        ),
      ).toHaveLength(1);

      const withDefault = setup([{ name: 'demo', demo }], {
        defaultOwner: 'group:default/platform-team',
      }).providers[0];
      await withDefault.provider.connect(withDefault.connection);
      await withDefault.provider.refresh();
      expect(
        byName(entitiesOf(withDefault.connection.mutations[0])).ownerless?.spec
          ?.owner,
      ).toBe('group:default/platform-team');
    } finally {
      demo.store.delete(namespaces, undefined, 'ownerless');
    }
  });

  it('drops the entity of a namespace that is gone, when the cluster answers', async () => {
    await createWithAction(demo, {
      namespace: 'short-lived',
      owner: 'group:default/platform-team',
    });
    const { providers } = setup([{ name: 'demo', demo }]);
    const [{ provider, connection }] = providers;
    await provider.connect(connection);
    await provider.refresh();
    expect(
      byName(entitiesOf(connection.mutations[0]))['short-lived'],
    ).toBeDefined();
    demo.store.delete(namespaces, undefined, 'short-lived');
    await provider.refresh();
    expect(connection.mutations).toHaveLength(2);
    expect(
      byName(entitiesOf(connection.mutations[1]))['short-lived'],
    ).toBeUndefined();
  });

  it.each([
    ['503 on every read', { errorRate: 1 }, 'Unavailable'],
    ['a hanging API server', { hang: true }, 'Timeout'],
    ['401 for the token', { status: 401 }, 'Unauthorized'],
  ])(
    'keeps the previous entities when the cluster fails with %s',
    async (_, fault, errorType) => {
      const { providers, logger } = setup([{ name: 'demo', demo }]);
      const [{ provider, connection }] = providers;
      await provider.connect(connection);
      await provider.refresh();
      expect(entitiesOf(connection.mutations[0])).toHaveLength(3);

      demo.setFaults([{ pathPattern: '^/api/v1/namespaces', ...fault }]);
      const outcome = await provider.refresh();
      expect(outcome).toEqual({
        status: 'failed',
        error: {
          source: 'kubernetes:namespaces',
          errorType,
          message: expect.any(String),
        },
      });
      // No second mutation: nothing replaces (so nothing removes) the entities.
      expect(connection.mutations).toHaveLength(1);
      const warning = logger.records.find(r => r.level === 'warn');
      expect(warning).toMatchObject({
        message: expect.stringMatching(/kept as they were/),
        meta: { cluster: 'demo', errorType },
      });
      expect(JSON.stringify(logger.records)).not.toMatch(/demo-reader-token/);

      demo.setFaults([]);
      await provider.refresh();
      expect(connection.mutations).toHaveLength(2);
      expect(entitiesOf(connection.mutations[1])).toHaveLength(3);
    },
  );

  it('with several clusters, names entities <cluster>.<namespace> and lets a failing cluster keep its own', async () => {
    const { providers } = setup([
      { name: 'demo', demo },
      { name: 'prod.eu', demo: other },
    ]);
    for (const { provider, connection } of providers)
      await provider.connect(connection);
    const [a, b] = providers;
    expect(b.provider.getProviderName()).toBe('istio-mesh-namespaces:prod.eu');

    await Promise.all(providers.map(p => p.provider.refresh()));
    const demoEntities = byName(entitiesOf(a.connection.mutations[0]));
    const otherEntities = byName(entitiesOf(b.connection.mutations[0]));
    expect(Object.keys(demoEntities).sort()).toEqual([
      'demo.checkout-canary',
      'demo.orders',
      'demo.reviews-ambient',
    ]);
    expect(otherEntities).toEqual({
      'prod.eu.orders': expect.objectContaining({
        metadata: expect.objectContaining({
          title: 'orders (prod.eu)',
          annotations: expect.objectContaining({
            'backstage.io/managed-by-location': 'istio-mesh-namespaces:prod.eu',
            'backstage.io/kubernetes-cluster': 'prod.eu',
            'backstage.io/kubernetes-namespace': 'orders',
          }),
        }),
        spec: {
          type: 'kubernetes-namespace',
          owner: 'group:default/other-team',
        },
      }),
    });

    // The second cluster fails: the first still updates, the second applies nothing.
    other.setFaults([{ errorRate: 1 }]);
    await createWithAction(demo, {
      namespace: 'late',
      owner: 'group:default/platform-team',
    });
    try {
      const [ok, failed] = await Promise.all(
        providers.map(p => p.provider.refresh()),
      );
      expect(ok).toMatchObject({ status: 'applied', entities: 4 });
      expect(failed).toMatchObject({ status: 'failed' });
      expect(
        byName(entitiesOf(a.connection.mutations[1]))['demo.late'],
      ).toBeDefined();
      expect(b.connection.mutations).toHaveLength(1);
    } finally {
      demo.store.delete(namespaces, undefined, 'late');
    }
  });

  it('refuses cluster names that differ only in case', () => {
    expect(() =>
      setup([
        { name: 'Prod', demo },
        { name: 'prod', demo: other },
      ]),
    ).toThrow(/differ only in case/);
  });

  it('schedules its refresh with its task runner and runs it when triggered', async () => {
    const logger = recordingLogger();
    const scheduler = mockServices.scheduler();
    const provider = new IstioMeshNamespaceProvider({
      clusters: clusterAccessFor([{ name: 'demo', demo }]),
      cluster: 'demo',
      logger,
      taskRunner: scheduler.createScheduledTaskRunner({
        frequency: { seconds: 5 },
        timeout: { seconds: 20 },
      }),
    });
    await expect(provider.refresh()).rejects.toThrow(/not connected/);
    const connection = recordingConnection();
    const scheduleTask = jest.spyOn(scheduler, 'scheduleTask');
    await provider.connect(connection);
    expect(scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'istio-mesh-namespaces:demo:refresh',
        frequency: { seconds: 5 },
        timeout: { seconds: 20 },
      }),
    );
    expect(await scheduler.getScheduledTasks()).toEqual([
      expect.objectContaining({ id: 'istio-mesh-namespaces:demo:refresh' }),
    ]);
    await scheduler.triggerTask('istio-mesh-namespaces:demo:refresh');
    expect(entitiesOf(connection.mutations[0])).toHaveLength(3);
  });

  it('applies nothing when the run was aborted during the read', async () => {
    const { providers } = setup([{ name: 'demo', demo }]);
    const [{ provider, connection }] = providers;
    await provider.connect(connection);
    const controller = new AbortController();
    demo.setFaults([{ latencyMs: 300 }]);
    const running = provider.refresh(controller.signal);
    controller.abort();
    expect(await running).toEqual({ status: 'aborted' });
    expect(connection.mutations).toHaveLength(0);
  });
});
