import {
  EntityIstioContent,
  istioApiRef,
  istioPlugin,
  isIstioAvailable,
} from './index';

describe('istio plugin for the legacy frontend system', () => {
  it('exports the plugin, the tab, the API ref and the availability check', () => {
    expect(istioPlugin.getId()).toBe('istio');
    expect(istioPlugin.getApis().map(f => f.api.id)).toEqual([istioApiRef.id]);
    expect(istioApiRef.id).toBe('plugin.istio.service');
    expect(typeof EntityIstioContent).toBe('function');
    expect(
      isIstioAvailable({
        apiVersion: 'v1',
        kind: 'Component',
        metadata: { name: 'x' },
      }),
    ).toBe(false);
  });
});
