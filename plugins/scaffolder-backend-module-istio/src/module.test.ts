import { startTestBackend } from '@backstage/backend-test-utils';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import { scaffolderModuleIstio } from './module';

describe('scaffolderModuleIstio', () => {
  it('registers the Istio actions with the scaffolder', async () => {
    const addActions = jest.fn();
    await startTestBackend({
      extensionPoints: [[scaffolderActionsExtensionPoint, { addActions }]],
      features: [scaffolderModuleIstio],
    });
    const ids = addActions.mock.calls.flat().map((a: { id: string }) => a.id);
    expect(ids).toEqual([
      'istio:version:check',
      'istio:namespace:create',
      'istio:install-config:render',
      'istio:sidecar:apply',
    ]);
  });
});
