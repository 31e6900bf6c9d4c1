import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import { scaffolderModuleIstio } from './module';

/** Starts the module with `config`; answers the actions it registered. */
async function actionsWith(config: object = {}) {
  const addActions = jest.fn();
  await startTestBackend({
    extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
    features: [
      scaffolderModuleIstio,
      mockServices.rootConfig.factory({ data: config }),
    ],
  });
  return addActions.mock.calls.flat() as Array<{
    id: string;
    handler: (ctx: any) => Promise<void>;
  }>;
}

const row131 = {
  istio: '1.31',
  released: '2026-08-12',
  endOfLife: '2027-03-31',
  kubernetesTested: ['1.33', '1.37'],
  kubernetesMinimum: '1.32',
};

describe('scaffolderModuleIstio', () => {
  // Verdicts depend on the date: fake only Date, so the backend's timers run normally.
  beforeEach(() => {
    jest.useFakeTimers({
      now: new Date('2026-12-06T12:00:00Z'),
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
  });
  afterEach(() => jest.useRealTimers());

  it('registers the Istio actions with the scaffolder', async () => {
    const ids = (await actionsWith()).map(a => a.id);
    expect(ids).toEqual([
      'istio:version:check',
      'istio:namespace:create',
      'istio:install-config:render',
      'istio:sidecar:apply',
    ]);
  });

  it('checks versions with the rows of istio.supportMatrix', async () => {
    const actions = await actionsWith({
      istio: { supportMatrix: [row131] },
    });
    const check = actions.find(a => a.id === 'istio:version:check')!;
    const ctx = createMockActionContext({
      input: { istioVersion: '1.31.2', kubernetesVersion: 'v1.34.1' },
    });
    await check.handler(ctx);
    expect(ctx.output).toHaveBeenCalledWith('verdict', 'supported');
    expect(ctx.output).toHaveBeenCalledWith('endOfLife', '2027-03-31');
  });

  it('refuses to start with an invalid istio.supportMatrix row, naming its path', async () => {
    await expect(
      actionsWith({
        istio: { supportMatrix: [{ ...row131, released: '12/08/2026' }] },
      }),
    ).rejects.toThrow(/istio\.supportMatrix\[0\]\.released/);
  });
});
