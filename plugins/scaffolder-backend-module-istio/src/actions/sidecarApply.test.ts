// istio:sidecar:apply against a stand-in for the Istio backend's POST /api/istio/sidecars
// that keeps its contract (__testUtils__/fakeIstioBackend): the action must carry the
// task initiator's identity, apply exactly the dry run it logged (its digest), honour
// dry runs and cancellation, and pass the backend's refusals on with their message.
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import yaml from 'yaml';
import {
  startFakeIstioBackend,
  type FakeIstioBackend,
} from '../__testUtils__/fakeIstioBackend';
import { createSidecarApplyAction } from './sidecarApply';
import { examples } from './sidecarApply.examples';

jest.setTimeout(30_000);

const productpage = 'component:default/productpage';
const reviews = 'component:default/reviews';

let backend: FakeIstioBackend;

beforeEach(async () => {
  backend = await startFakeIstioBackend({
    owners: {
      [productpage]: ['user:default/alice'],
      [reviews]: ['user:default/alice'],
    },
    recommendations: {
      [productpage]: ['./*', 'istio-system/*'],
      [reviews]: ['./*', 'istio-system/*'],
    },
  });
});
afterEach(() => backend?.stop());

/** The action as the scaffolder runs it, with the scaffolder plugin's own auth. */
function actionUnderTest() {
  return createSidecarApplyAction({
    discovery: backend.discovery,
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
    // Every line the action logs, kept to be read back.
    logger: mockServices.logger.mock(),
    getInitiatorCredentials: async () => initiator,
    ...extra,
  } as unknown as Context;
}

const inputOf = (example: { example: string }) =>
  yaml.parse(example.example).steps[0].input;

const outputsOf = (ctx: Context) =>
  Object.fromEntries((ctx.output as jest.Mock).mock.calls);

/** The lines the action logged (info and warn), in the order it logged them. */
function logOf(ctx: Context): string[] {
  const logger = ctx.logger as unknown as Record<'info' | 'warn', jest.Mock>;
  return (['info', 'warn'] as const)
    .flatMap(level =>
      logger[level].mock.calls.map((call, i) => ({
        at: logger[level].mock.invocationCallOrder[i],
        line: call[0] as string,
      })),
    )
    .sort((a, b) => a.at - b.at)
    .map(entry => entry.line);
}

describe('istio:sidecar:apply', () => {
  it('applies exactly the dry run it logged: a dry run, then the apply with its digest (first example)', async () => {
    const ctx = contextFor(inputOf(examples[0]));
    await actionUnderTest().handler(ctx);

    const [dry, real] = backend.requests;
    expect(backend.requests).toHaveLength(2);
    expect(dry).toEqual({
      entityRef: productpage,
      cluster: 'demo',
      namespace: 'istio-demo',
      dryRun: true,
    });
    expect(real).toEqual({ ...dry, dryRun: false, digest: expect.any(String) });
    expect(logOf(ctx)).toContain(
      'Sidecar istio-demo/productpage: created (dry run) — egress ./*, istio-system/*',
    );
    expect(logOf(ctx)).toContain(
      'Sidecar istio-demo/productpage: created — egress ./*, istio-system/*',
    );

    const outputs = outputsOf(ctx);
    expect(outputs.dryRun).toBe(false);
    expect(outputs.cluster).toBe('demo');
    expect(outputs.changes).toEqual([
      {
        name: 'productpage',
        namespace: 'istio-demo',
        action: 'created',
        hostsAfter: ['./*', 'istio-system/*'],
      },
    ]);
    expect(outputs.yaml).toMatch(/kind: Sidecar/);
    expect(backend.sidecars.get('istio-demo/productpage')?.hosts).toEqual([
      './*',
      'istio-system/*',
    ]);

    // Applying again changes nothing.
    const again = contextFor(inputOf(examples[0]));
    await actionUnderTest().handler(again);
    expect(outputsOf(again).changes[0].action).toBe('unchanged');
  });

  it('fails with the backend message when what it would write changed after its dry run, writing nothing', async () => {
    // Traffic changes right after the dry run: the recommendation grows.
    backend.afterDryRun(() =>
      backend.recommend(productpage, ['./*', 'istio-system/*', 'payments/*']),
    );
    const ctx = contextFor(inputOf(examples[0]));
    await expect(actionUnderTest().handler(ctx)).rejects.toMatchObject({
      name: 'ResponseError',
      statusCode: 409,
      message: `Request failed with 409 Conflict: What would be written for ${productpage} changed since the dry run; nothing was written`,
    });
    expect(backend.requests.map(r => r.dryRun)).toEqual([true, false]);
    expect(backend.sidecars.size).toBe(0);
    expect(ctx.output).not.toHaveBeenCalled();
    expect(logOf(ctx)).toEqual([
      `Applying the recommended Sidecar for ${productpage} in demo/istio-demo`,
      'Sidecar istio-demo/productpage: created (dry run) — egress ./*, istio-system/*',
      'What would be written changed since the dry run, so nothing was written; running the task again applies this:',
      'Sidecar istio-demo/productpage: created (dry run) — egress ./*, istio-system/*, payments/*',
    ]);
  });

  it('dry-runs with an extra host, without a digest or a second call (second example)', async () => {
    const ctx = contextFor(inputOf(examples[1]));
    await actionUnderTest().handler(ctx);
    expect(backend.requests).toEqual([
      {
        entityRef: reviews,
        cluster: 'demo',
        namespace: 'istio-demo',
        dryRun: true,
        extraHosts: [
          'observability/jaeger-collector.observability.svc.cluster.local',
        ],
      },
    ]);
    const outputs = outputsOf(ctx);
    expect(outputs.dryRun).toBe(true);
    expect(outputs.changes[0]).toMatchObject({
      name: 'reviews',
      action: 'created',
      hostsAfter: expect.arrayContaining([
        'observability/jaeger-collector.observability.svc.cluster.local',
      ]),
    });
    expect(backend.sidecars.size).toBe(0);
  });

  it("makes a template dry run a dry run whatever the step's input says", async () => {
    const ctx = contextFor(
      { ...inputOf(examples[0]), dryRun: false },
      undefined,
      { isDryRun: true },
    );
    await actionUnderTest().handler(ctx);
    expect(outputsOf(ctx).dryRun).toBe(true);
    expect(backend.requests.map(r => r.dryRun)).toEqual([true]);
    expect(backend.sidecars.size).toBe(0);
  });

  it.each([
    [
      'a user who does not own the entity',
      mockCredentials.user('user:default/visitor'),
      `Request failed with 403 Forbidden: Not allowed to apply Sidecars for ${productpage}`,
    ],
    [
      'a service rather than a user',
      mockCredentials.service('plugin:catalog'),
      "Request failed with 403 Forbidden: This endpoint does not allow 'service' credentials",
    ],
  ])(
    'passes the backend refusal of %s on, and nothing is written',
    async (_case, initiator, message) => {
      const ctx = contextFor(inputOf(examples[0]), initiator);
      await expect(actionUnderTest().handler(ctx)).rejects.toMatchObject({
        name: 'ResponseError',
        statusCode: 403,
        message,
      });
      expect(ctx.output).not.toHaveBeenCalled();
      expect(backend.sidecars.size).toBe(0);
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

  it('passes a conflict on, naming the other field manager', async () => {
    backend.conflictWith('kubectl');
    const ctx = contextFor(inputOf(examples[0]));
    await expect(actionUnderTest().handler(ctx)).rejects.toMatchObject({
      statusCode: 409,
      message: expect.stringMatching(
        /^Request failed with 409 Conflict: .*conflict with "kubectl"/,
      ),
    });
    expect(backend.sidecars.size).toBe(0);
  });

  it('does not call the backend when the task is already cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    const ctx = contextFor(inputOf(examples[0]), undefined, {
      signal: controller.signal,
    });
    await expect(actionUnderTest().handler(ctx)).rejects.toThrow(/aborted/i);
    expect(backend.requests).toEqual([]);
  });

  it('stops waiting as soon as the task is cancelled mid-way', async () => {
    backend.setLatency(3000);
    const controller = new AbortController();
    const ctx = contextFor(inputOf(examples[0]), undefined, {
      signal: controller.signal,
    });
    const running = actionUnderTest().handler(ctx);
    const settled = running.catch(error => error);
    while (backend.requests.length === 0) {
      await new Promise(resolve => setTimeout(resolve, 20));
    }
    const abortedAt = Date.now();
    controller.abort();
    const error = await settled;
    expect(error).toMatchObject({ name: 'AbortError' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    expect(ctx.output).not.toHaveBeenCalled();
    // The dry run was cancelled: no real apply follows it.
    expect(backend.requests.map(r => r.dryRun)).toEqual([true]);
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

    const before = backend.requests.length;
    const resumed = contextFor(inputOf(examples[0]));
    resumed.checkpoint = async ({ key }) => saved[key] as never;
    await actionUnderTest().handler(resumed);
    expect(backend.requests).toHaveLength(before);
    expect(outputsOf(resumed).changes).toEqual(outputsOf(first).changes);
  });
});
