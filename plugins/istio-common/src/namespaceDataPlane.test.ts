import {
  injectsSidecars,
  isAmbientNamespace,
  namespaceDataPlaneMode,
  type NamespaceDataPlaneMode,
} from './namespaceDataPlane';

const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

describe('namespace data plane, as Istio selects namespaces', () => {
  it.each<[Record<string, string> | undefined, NamespaceDataPlaneMode]>([
    [{ 'istio-injection': 'enabled' }, 'sidecar'],
    [{ 'istio.io/rev': 'canary' }, 'sidecar'],
    [AMBIENT, 'ambient'],
    // Sidecar injection takes precedence over ambient mode.
    [{ ...AMBIENT, 'istio-injection': 'enabled' }, 'sidecar'],
    [{ ...AMBIENT, 'istio.io/rev': 'canary' }, 'sidecar'],
    // A revision's webhook needs `istio-injection` absent: `disabled` turns it off.
    [{ 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }, 'none'],
    [{ ...AMBIENT, 'istio-injection': 'disabled' }, 'ambient'],
    [
      { ...AMBIENT, 'istio-injection': 'disabled', 'istio.io/rev': 'x' },
      'ambient',
    ],
    // An empty revision names no revision, so no webhook selects the namespace.
    [{ ...AMBIENT, 'istio.io/rev': '' }, 'ambient'],
    [{ 'istio-injection': 'yes' }, 'none'],
    [{ 'istio.io/dataplane-mode': 'none' }, 'none'],
    [{}, 'none'],
    [undefined, 'none'],
  ])('%j → %s', (labels, mode) => {
    expect(namespaceDataPlaneMode(labels)).toBe(mode);
    expect(injectsSidecars(labels)).toBe(mode === 'sidecar');
    expect(isAmbientNamespace(labels)).toBe(mode === 'ambient');
  });
});
