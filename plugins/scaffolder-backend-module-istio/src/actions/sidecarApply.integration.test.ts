// istio:sidecar:apply against the real Istio backend (its POST /api/istio/sidecars) on
// the demo cluster: the action must carry the task initiator's identity, go through the
// dry run and its digest, honour dry runs and cancellation, and pass the backend's
// refusals on with their message. (sidecarApply.test.ts checks the action's own
// behaviour against a fake backend.)
import {
  createSpecializedBackend,
  type Backend,
} from '@backstage/backend-app-api';
import { rootHttpRouterServiceFactory } from '@backstage/backend-defaults/rootHttpRouter';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import {
  actionsRegistryServiceMock,
  actionsServiceMock,
  metricsServiceMock,
  tracingServiceMock,
} from '@backstage/backend-test-utils/alpha';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
  DiscoveryService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import {
  loadScenario,
  RESOURCE_TYPES,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import { istioSidecarApplyPermission } from '@istio-backstage/plugin-istio-common';
// Test only: the action is checked against the real route it calls, never imported by src.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import istioPlugin from '@istio-backstage/plugin-istio-backend';
import yaml from 'yaml';
import { createSidecarApplyAction } from './sidecarApply';
import { examples } from './sidecarApply.examples';

jest.setTimeout(60_000);

const sidecars = RESOURCE_TYPES.find(t => t.plural === 'sidecars')!;

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'backstage.io/kubernetes-id': name,
      'backstage.io/kubernetes-namespace': 'istio-demo',
    },
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/bookinfo-team',
  },
  relations: [{ type: 'ownedBy', targetRef: 'group:default/bookinfo-team' }],
});
const entities = [component('productpage'), component('reviews')];

/** Who owns what, as the catalog's ownership claims would say. */
const claims: Record<string, string[]> = {
  'user:default/alice': ['user:default/alice', 'group:default/bookinfo-team'],
  'user:default/visitor': ['user:default/visitor'],
};

/**
 * The demo policy's rule for `istio.sidecar.apply` (packages/backend IstioMeshPolicy:
 * only the entity's owners), decided here from the same ownership data because the
 * catalog is a mock that cannot evaluate conditional decisions.
 */
const ownershipPermissions = mockServices.permissions.mock({
  authorize: async (requests, { credentials }) =>
    requests.map(request => {
      if (request.permission.name !== istioSidecarApplyPermission.name) {
        return { result: AuthorizeResult.ALLOW };
      }
      const principal =
        credentials.principal as Partial<BackstageUserPrincipal>;
      const entity = entities.find(
        e =>
          stringifyEntityRef(e) ===
          (request as { resourceRef?: string }).resourceRef,
      );
      const owned =
        !!entity &&
        (claims[principal.userEntityRef ?? ''] ?? []).includes(
          entity.spec!.owner as string,
        );
      return { result: owned ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }),
});

/**
 * A backend with the Istio plugin, the test-utils mock services and a root HTTP router
 * on 127.0.0.1 (startTestBackend binds every interface and cannot be told otherwise).
 */
async function startLoopbackIstioBackend(config: Record<string, unknown>) {
  let port = 0;
  const backend = createSpecializedBackend({
    defaultServiceFactories: [
      mockServices.auth.factory(),
      mockServices.auditor.factory(),
      mockServices.cache.factory(),
      mockServices.database.factory(),
      mockServices.httpAuth.factory(),
      mockServices.httpRouter.factory(),
      mockServices.lifecycle.factory(),
      mockServices.logger.factory(),
      mockServices.permissionsRegistry.factory(),
      mockServices.rootHealth.factory(),
      mockServices.rootLifecycle.factory(),
      mockServices.rootLogger.factory(),
      mockServices.scheduler.factory(),
      mockServices.userInfo.mock({
        // The groups the catalog would resolve: istio-demo is the bookinfo team's.
        getUserInfo: async credentials => {
          const user =
            (credentials.principal as Partial<BackstageUserPrincipal>)
              .userEntityRef ?? '';
          return {
            userEntityRef: user,
            ownershipEntityRefs: claims[user] ?? [user],
          };
        },
      }).factory,
      mockServices.urlReader.factory(),
      mockServices.events.factory(),
      actionsRegistryServiceMock.factory(),
      actionsServiceMock.factory(),
      metricsServiceMock.factory(),
      tracingServiceMock.factory(),
      mockServices.rootConfig.factory({
        data: {
          backend: { listen: { host: '127.0.0.1', port: 0 } },
          ...config,
        },
      }),
      rootHttpRouterServiceFactory({
        configure({ server, applyDefaults }) {
          applyDefaults();
          server.on('listening', () => {
            const address = server.address();
            port = typeof address === 'object' && address ? address.port : 0;
          });
        },
      }),
      catalogServiceMock.factory({ entities }),
      ownershipPermissions.factory,
    ],
  });
  backend.add(istioPlugin);
  await backend.start();
  const discovery: DiscoveryService = {
    getBaseUrl: async pluginId => `http://127.0.0.1:${port}/api/${pluginId}`,
    getExternalBaseUrl: async pluginId =>
      `http://127.0.0.1:${port}/api/${pluginId}`,
  };
  return { backend, discovery };
}

let demo: DemoCluster;
let backend: Backend;
let discovery: DiscoveryService;

beforeEach(async () => {
  demo = await startDemoCluster({
    scenario: { ...loadScenario('default'), memoryConvergenceSeconds: 0 },
    port: 0,
    metricsPort: 0,
  });
  ({ backend, discovery } = await startLoopbackIstioBackend({
    kubernetes: {
      serviceLocatorMethod: { type: 'multiTenant' },
      clusterLocatorMethods: [
        {
          type: 'config',
          clusters: [
            {
              name: 'demo',
              url: demo.url,
              authProvider: 'serviceAccount',
              serviceAccountToken: 'demo-writer-token',
              caData: Buffer.from(demo.caPem).toString('base64'),
            },
          ],
        },
      ],
    },
    istio: {
      requestTimeoutMs: 2000,
      apply: { settleSeconds: 0 },
      // Tests count the requests an action makes: no background reads.
      watchMeshLists: false,
      keepMemoryFit: false,
      keepMeshEssentials: false,
    },
  }));
});
afterEach(async () => {
  await backend?.stop();
  await demo?.stop();
});

/** The action as the scaffolder runs it, with the scaffolder plugin's own auth. */
function actionUnderTest() {
  return createSidecarApplyAction({
    discovery,
    auth: mockServices.auth({ pluginId: 'scaffolder' }),
  });
}

/** The context the action's handler takes. */
type Context = Parameters<ReturnType<typeof actionUnderTest>['handler']>[0];

function contextFor(
  input: JsonObject,
  initiator: BackstageCredentials = mockCredentials.user('user:default/alice'),
  extra: Partial<Context> = {},
): Context {
  return {
    ...createMockActionContext({ input }),
    getInitiatorCredentials: async () => initiator,
    ...extra,
  } as unknown as Context;
}

const inputOf = (example: { example: string }) =>
  yaml.parse(example.example).steps[0].input;

const outputsOf = (ctx: Context) =>
  Object.fromEntries((ctx.output as jest.Mock).mock.calls);

const storedSidecars = () =>
  demo.store.list(sidecars, 'istio-demo').map(s => s.metadata.name);

describe('istio:sidecar:apply', () => {
  it('applies the recommended Sidecar for an owner, through the backend (first example)', async () => {
    const ctx = contextFor(inputOf(examples[0]));
    await actionUnderTest().handler(ctx);
    const outputs = outputsOf(ctx);
    expect(outputs.dryRun).toBe(false);
    expect(outputs.cluster).toBe('demo');
    expect(outputs.changes).toEqual([
      expect.objectContaining({
        name: expect.stringMatching(/^productpage/),
        namespace: 'istio-demo',
        action: 'created',
        hostsAfter: expect.arrayContaining(['./*']),
      }),
    ]);
    const stored = demo.store.list(sidecars, 'istio-demo');
    expect(stored.map(s => s.metadata.name)).toEqual([outputs.changes[0].name]);
    expect(stored[0].metadata.managedFields).toEqual([
      expect.objectContaining({
        manager: 'backstage-istio/component.default.productpage',
        operation: 'Apply',
      }),
    ]);
    const applied = yaml.parseAllDocuments(outputs.yaml).map(d => d.toJS());
    expect(applied[0]).toMatchObject({
      kind: 'Sidecar',
      metadata: { name: outputs.changes[0].name, namespace: 'istio-demo' },
    });

    // Applying again changes nothing.
    const again = contextFor(inputOf(examples[0]));
    await actionUnderTest().handler(again);
    expect(outputsOf(again).changes[0].action).toBe('unchanged');
  });

  it('dry-runs with an extra host without touching the cluster (second example)', async () => {
    const ctx = contextFor(inputOf(examples[1]));
    await actionUnderTest().handler(ctx);
    const outputs = outputsOf(ctx);
    expect(outputs.dryRun).toBe(true);
    expect(outputs.changes[0]).toMatchObject({
      name: expect.stringMatching(/^reviews/),
      action: 'created',
      hostsAfter: expect.arrayContaining([
        'observability/jaeger-collector.observability.svc.cluster.local',
      ]),
    });
    expect(storedSidecars()).toEqual([]);
  });

  it("makes a template dry run a dry run whatever the step's input says", async () => {
    const ctx = contextFor(
      { ...inputOf(examples[0]), dryRun: false },
      undefined,
      { isDryRun: true },
    );
    await actionUnderTest().handler(ctx);
    expect(outputsOf(ctx).dryRun).toBe(true);
    expect(storedSidecars()).toEqual([]);
  });

  it.each([
    [
      'a user who does not own the entity',
      mockCredentials.user('user:default/visitor'),
      'Request failed with 403 Forbidden: Not allowed to apply Sidecars for component:default/productpage',
    ],
    [
      'a service rather than a user',
      mockCredentials.service('plugin:catalog'),
      "Request failed with 403 Forbidden: This endpoint does not allow 'service' credentials",
    ],
  ])(
    'passes the backend refusal of %s on, and nothing reaches the cluster',
    async (_case, initiator, message) => {
      const before = demo.requestCount();
      const ctx = contextFor(inputOf(examples[0]), initiator);
      await expect(actionUnderTest().handler(ctx)).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 403,
        message,
      });
      expect(demo.requestCount()).toBe(before);
      expect(ctx.output).not.toHaveBeenCalled();
      expect(storedSidecars()).toEqual([]);
    },
  );

  it("passes the backend's validation error on (input the engine would have refused)", async () => {
    const ctx = contextFor({
      ...inputOf(examples[0]),
      namespace: 'Istio-Demo',
    });
    await expect(actionUnderTest().handler(ctx)).rejects.toMatchObject({
      statusCode: 400,
      message:
        'Request failed with 400 Bad Request: namespace: not a namespace name',
    });
  });

  it('passes a conflict on, naming the Sidecar made by hand', async () => {
    const dry = contextFor({ ...inputOf(examples[0]), dryRun: true });
    await actionUnderTest().handler(dry);
    const name = outputsOf(dry).changes[0].name;
    demo.store.apply(
      sidecars,
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: { name, namespace: 'istio-demo' },
        spec: {
          // The entity's own selector: the recommended Sidecar is this object.
          workloadSelector: {
            labels: { 'backstage.io/kubernetes-id': 'productpage' },
          },
          egress: [{ hosts: ['*/*'] }],
        },
      },
      { manager: 'kubectl', force: false },
    );
    const ctx = contextFor(inputOf(examples[0]));
    await expect(actionUnderTest().handler(ctx)).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringMatching(
        /^Request failed with 409 Conflict: .*field managers: kubectl/,
      ),
    });
  });

  it('does not call the backend when the task is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = demo.requestCount();
    const ctx = contextFor(inputOf(examples[0]), undefined, {
      signal: controller.signal,
    });
    await expect(actionUnderTest().handler(ctx)).rejects.toThrow(/aborted/i);
    expect(demo.requestCount()).toBe(before);
    expect(storedSidecars()).toEqual([]);
  });

  it('stops waiting as soon as the task is cancelled mid-way', async () => {
    // A slow cluster: the backend is busy with it when the task is cancelled. Its own
    // per-call timeout (2 s) ends its request later, whatever the action does.
    demo.setFaults([{ pathPattern: '/sidecars', latencyMs: 3000 }]);
    const controller = new AbortController();
    const ctx = contextFor(inputOf(examples[0]), undefined, {
      signal: controller.signal,
    });
    const before = demo.requestCount();
    const running = actionUnderTest().handler(ctx);
    const settled = running.catch(error => error);
    while (demo.requestCount() === before) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    const abortedAt = Date.now();
    controller.abort();
    const error = await settled;
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(ctx.output).not.toHaveBeenCalled();
    // Let the backend's request end before the backend and the cluster stop.
    await new Promise(resolve => setTimeout(resolve, 3000));
  });

  it('does not apply again when a resumed task finds its checkpoint', async () => {
    const first = contextFor(inputOf(examples[0]));
    const saved: Record<string, JsonObject> = {};
    first.checkpoint = async ({ key, fn }) => {
      saved[key] = (await fn()) as JsonObject;
      return saved[key] as never;
    };
    await actionUnderTest().handler(first);
    expect(Object.keys(saved)).toEqual([
      'istio-sidecar-apply.demo.istio-demo.component:default/productpage',
    ]);

    const before = demo.requestCount();
    const resumed = contextFor(inputOf(examples[0]));
    resumed.checkpoint = async ({ key }) => saved[key] as never;
    await actionUnderTest().handler(resumed);
    expect(demo.requestCount()).toBe(before);
    expect(outputsOf(resumed).changes).toEqual(outputsOf(first).changes);
  });
});
