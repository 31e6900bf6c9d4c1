// The module in a backend: it registers one provider per cluster, and with the real
// catalog plugin a namespace created in the demo cluster becomes a catalog entity.
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import {
  catalogProcessingExtensionPoint,
  type EntityProvider,
} from '@backstage/plugin-catalog-node';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import request from 'supertest';
import {
  clusterConfigFor,
  recordingConnection,
  startTestDemoCluster,
} from './__testUtils__/demoClusters';
import { catalogModuleIstioMeshNamespaces } from './module';

jest.setTimeout(60_000);

const namespaces = RESOURCE_TYPES.find(t => t.plural === 'namespaces')!;

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startTestDemoCluster();
  // As istio:namespace:create writes it (the provider tests use the action itself).
  demo.store.create(
    namespaces,
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'ledger',
        labels: {
          'app.kubernetes.io/managed-by': 'backstage-istio',
          'istio-injection': 'enabled',
        },
        annotations: {
          'istio-backstage.io/owner': 'group:default/platform-team',
        },
      },
    },
    { manager: 'backstage-istio' },
  );
});
afterAll(() => demo?.stop());

type ConfigData = NonNullable<
  Parameters<typeof mockServices.rootConfig>[0]
>['data'];

/** A scheduler that records the tasks scheduled with it; tests run them themselves. */
function recordingScheduler() {
  const scheduler = mockServices.scheduler.mock({
    createScheduledTaskRunner: schedule => ({
      run: task => scheduler.scheduleTask({ ...schedule, ...task }),
    }),
  });
  return scheduler;
}

describe('catalogModuleIstioMeshNamespaces', () => {
  /** Starts the module alone, keeping the providers it adds to the catalog. */
  const startWith = async (
    data: ConfigData,
    scheduler = recordingScheduler(),
  ) => {
    const providers: EntityProvider[] = [];
    await startTestBackend({
      extensionPoints: [
        [
          catalogProcessingExtensionPoint,
          {
            addEntityProvider: (
              ...added: Array<EntityProvider | EntityProvider[]>
            ) => providers.push(...added.flat()),
            addProcessor: jest.fn(),
            addPlaceholderResolver: jest.fn(),
            setOnProcessingErrorHandler: jest.fn(),
          },
        ],
      ],
      features: [
        catalogModuleIstioMeshNamespaces,
        scheduler.factory,
        mockServices.rootConfig.factory({ data }),
      ],
    });
    return providers;
  };

  it('adds one provider per configured cluster', async () => {
    const providers = await startWith(
      clusterConfigFor([
        { name: 'demo', demo },
        { name: 'staging', demo },
      ]),
    );
    expect(providers.map(p => p.getProviderName())).toEqual([
      'istio-mesh-namespaces:demo',
      'istio-mesh-namespaces:staging',
    ]);
  });

  it('fails to start on a bad catalog.providers.istio setting', async () => {
    await expect(
      startWith({
        ...clusterConfigFor([{ name: 'demo', demo }]),
        catalog: { providers: { istio: { defaultOwner: 'a:b:c' } } },
      }),
    ).rejects.toThrow(/catalog.providers.istio.defaultOwner/);
  });

  it('refuses to start with the former istio.catalog.namespaces, naming the new key', async () => {
    await expect(
      startWith(
        clusterConfigFor([{ name: 'demo', demo }], {
          catalog: { namespaces: { frequencySeconds: 30 } },
        }),
      ),
    ).rejects.toThrow(
      'replace istio.catalog.namespaces.frequencySeconds with catalog.providers.istio.schedule.frequency',
    );
    await expect(
      startWith(
        clusterConfigFor([{ name: 'demo', demo }], {
          catalog: { namespaces: { defaultOwner: 'group:default/ops' } },
        }),
      ),
    ).rejects.toThrow(
      'replace istio.catalog.namespaces.defaultOwner with catalog.providers.istio.defaultOwner',
    );
  });

  it('runs every provider on the catalog.providers.istio.schedule block', async () => {
    const scheduler = recordingScheduler();
    const providers = await startWith(
      {
        ...clusterConfigFor([
          { name: 'demo', demo },
          { name: 'staging', demo },
        ]),
        catalog: {
          providers: {
            istio: {
              schedule: {
                frequency: { minutes: 5 },
                timeout: { seconds: 90 },
                initialDelay: { seconds: 10 },
                scope: 'local',
              },
            },
          },
        },
      },
      scheduler,
    );
    // The catalog connects each provider once it starts processing.
    for (const provider of providers)
      await provider.connect(recordingConnection());
    expect(scheduler.scheduleTask.mock.calls.map(([task]) => task)).toEqual(
      ['demo', 'staging'].map(cluster =>
        expect.objectContaining({
          id: `istio-mesh-namespaces:${cluster}:refresh`,
          frequency: { minutes: 5 },
          timeout: { seconds: 90 },
          initialDelay: { seconds: 10 },
          scope: 'local',
        }),
      ),
    );
  });

  it('with the real catalog, the namespace becomes resource:default/ledger', async () => {
    const scheduler = recordingScheduler();
    const { server } = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleIstioMeshNamespaces,
        scheduler.factory,
        mockServices.rootConfig.factory({
          data: {
            ...clusterConfigFor([{ name: 'demo', demo }]),
            catalog: { rules: [{ allow: ['Resource'] }] },
          },
        }),
      ],
    });
    const task = scheduler.scheduleTask.mock.calls
      .map(([t]) => t)
      .find(t => t.id === 'istio-mesh-namespaces:demo:refresh');
    // No schedule configured: every 30 s, a run abandoned after 60 s.
    expect(task).toMatchObject({
      frequency: { seconds: 30 },
      timeout: { seconds: 60 },
    });
    const runTask = () => task!.fn(new AbortController().signal);
    await runTask();

    // The catalog processes and stitches the provider's entity on its own loop.
    let entity: any;
    for (let i = 0; i < 100 && !entity; i++) {
      const res = await request(server)
        .get('/api/catalog/entities/by-name/resource/default/ledger')
        .set('Authorization', mockCredentials.user.header());
      if (res.status === 200) entity = res.body;
      else await new Promise(r => setTimeout(r, 200));
    }
    expect(entity).toBeDefined();
    expect(entity.spec).toEqual({
      type: 'kubernetes-namespace',
      owner: 'group:default/platform-team',
    });
    expect(entity.metadata.annotations).toMatchObject({
      'backstage.io/managed-by-location': 'istio-mesh-namespaces:demo',
      'backstage.io/kubernetes-namespace': 'ledger',
      'backstage.io/kubernetes-cluster': 'demo',
    });
    expect(entity.relations).toContainEqual({
      type: 'ownedBy',
      targetRef: 'group:default/platform-team',
    });

    const status = async () =>
      (
        await request(server)
          .get('/api/catalog/entities/by-name/resource/default/ledger')
          .set('Authorization', mockCredentials.user.header())
      ).status;
    // The namespace goes while the cluster answers 503: the entity stays.
    demo.store.delete(namespaces, undefined, 'ledger');
    demo.setFaults([{ errorRate: 1 }]);
    await runTask();
    expect(await status()).toBe(200);
    // Once the cluster answers again, the entity follows its namespace.
    demo.setFaults([]);
    await runTask();
    expect(await status()).toBe(404);
  });
});
