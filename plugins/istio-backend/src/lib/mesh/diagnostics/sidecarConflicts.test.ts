import { parse } from 'yaml';
import {
  multipleDefaultSidecars,
  rootSidecarWithSelector,
  sidecarInAmbientNamespace,
} from './sidecarConflicts';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshWith,
  namespace,
  objectsOf,
  pod,
  sidecar,
} from './testFixtures';

describe('IBS-SIDECAR-MULTIPLE-DEFAULTS', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), []],
    [
      'two selector-less Sidecars in one namespace',
      inventoryWith({
        sidecars: [
          sidecar('istio-demo', 'default', { hosts: ['./*'] }),
          sidecar('istio-demo', 'scope', { hosts: ['./*', 'shop/*'] }),
          sidecar('istio-demo', 'cart', { selector: { app: 'cart' } }),
          sidecar('shop', 'default'),
        ],
      }),
      ['IBS-SIDECAR-MULTIPLE-DEFAULTS Namespace istio-demo'],
    ],
    [
      'one selector-less and one with a selector',
      inventoryWith({
        sidecars: [
          sidecar('istio-demo', 'default'),
          sidecar('istio-demo', 'cart', { selector: { app: 'cart' } }),
        ],
      }),
      [],
    ],
    ['Sidecars unreadable', inventoryWith({ sidecars: undefined }), []],
  ])('%s', (_case, inventory, expected) => {
    expect(
      objectsOf(multipleDefaultSidecars(inventory, healthyMesh())),
    ).toEqual(expected);
  });

  it('merges the egress hosts into one default Sidecar', () => {
    const [diagnostic] = multipleDefaultSidecars(
      inventoryWith({
        sidecars: [
          sidecar('istio-demo', 'scope', { hosts: ['./*', 'shop/*'] }),
          sidecar('istio-demo', 'default', {
            hosts: ['./*', 'istio-system/*'],
          }),
        ],
      }),
      healthyMesh(),
    );
    expect(diagnostic.message).toContain(
      'Namespace istio-demo has 2 Sidecars without workloadSelector (default, scope)',
    );
    expect(diagnostic.fix.text).toContain(
      'kubectl delete sidecars.networking.istio.io -n istio-demo scope',
    );
    expect(parse(diagnostic.fix.yaml!).spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*', 'shop/*'] }],
    });
  });
});

describe('IBS-ROOT-SIDECAR-WITH-SELECTOR', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), healthyMesh(), []],
    [
      'root Sidecar with a selector',
      inventoryWith({
        sidecars: [
          sidecar('istio-system', 'default', { selector: { app: 'x' } }),
        ],
      }),
      healthyMesh(),
      ['IBS-ROOT-SIDECAR-WITH-SELECTOR Sidecar istio-system/default'],
    ],
    [
      'selector Sidecar outside the root namespace',
      inventoryWith({
        sidecars: [sidecar('shop', 'cart', { selector: { app: 'cart' } })],
      }),
      healthyMesh(),
      [],
    ],
    [
      'root namespace unknown (no control plane)',
      inventoryWith({
        sidecars: [
          sidecar('istio-system', 'default', { selector: { app: 'x' } }),
        ],
      }),
      meshWith({ controlPlanes: [] }),
      [],
    ],
    [
      'Sidecars unreadable',
      inventoryWith({ sidecars: undefined }),
      healthyMesh(),
      [],
    ],
  ])('%s', (_case, inventory, mesh, expected) => {
    expect(objectsOf(rootSidecarWithSelector(inventory, mesh))).toEqual(
      expected,
    );
  });

  it('offers the Sidecar without selector, or a move when a root default exists', () => {
    const selected = sidecar('istio-system', 'scope', {
      selector: { app: 'x' },
      hosts: ['./*'],
    });
    const [alone] = rootSidecarWithSelector(
      inventoryWith({ sidecars: [selected] }),
      healthyMesh(),
    );
    expect(alone.message).toContain(
      'Sidecar istio-system/scope is in the root namespace but has a workloadSelector (app=x)',
    );
    expect(parse(alone.fix.yaml!).spec).toEqual({
      egress: [{ hosts: ['./*'] }],
    });

    const [withDefault] = rootSidecarWithSelector(
      inventoryWith({
        sidecars: [selected, sidecar('istio-system', 'default')],
      }),
      healthyMesh(),
    );
    expect(withDefault.fix.text).toContain(
      'A mesh default Sidecar already exists',
    );
    expect(withDefault.fix.yaml).toBeUndefined();
  });
});

describe('IBS-SIDECAR-IN-AMBIENT-NAMESPACE', () => {
  const ambientNamespaces = [
    ...healthyInventory().namespaces!,
    namespace('ambient-apps', { 'istio.io/dataplane-mode': 'ambient' }),
    namespace('mixed', {
      'istio.io/dataplane-mode': 'ambient',
      'istio-injection': 'enabled',
    }),
    namespace('injection-off', {
      'istio.io/dataplane-mode': 'ambient',
      'istio-injection': 'disabled',
    }),
  ];
  it.each([
    ['a healthy mesh', healthyInventory(), []],
    [
      'Sidecar in an ambient namespace',
      inventoryWith({
        namespaces: ambientNamespaces,
        sidecars: [sidecar('ambient-apps', 'default')],
      }),
      ['IBS-SIDECAR-IN-AMBIENT-NAMESPACE Sidecar ambient-apps/default'],
    ],
    [
      'ambient label overridden by an injection label',
      inventoryWith({
        namespaces: ambientNamespaces,
        sidecars: [sidecar('mixed', 'default')],
      }),
      [],
    ],
    [
      'ambient namespace with injection disabled (still ambient)',
      inventoryWith({
        namespaces: ambientNamespaces,
        sidecars: [sidecar('injection-off', 'default')],
      }),
      ['IBS-SIDECAR-IN-AMBIENT-NAMESPACE Sidecar injection-off/default'],
    ],
    [
      'only a gateway selected (Sidecars do not configure gateways)',
      inventoryWith({
        namespaces: ambientNamespaces,
        sidecars: [
          sidecar('ambient-apps', 'edge', { selector: { app: 'edge' } }),
        ],
        pods: [
          pod('ambient-apps', 'edge-1', {
            labels: { app: 'edge', istio: 'ingressgateway' },
            proxyImage: 'docker.io/istio/proxyv2:1.30.1',
          }),
        ],
      }),
      ['IBS-SIDECAR-IN-AMBIENT-NAMESPACE Sidecar ambient-apps/edge'],
    ],
    [
      'a pod in the ambient namespace opted into a sidecar and is selected',
      inventoryWith({
        namespaces: ambientNamespaces,
        sidecars: [
          sidecar('ambient-apps', 'legacy', { selector: { app: 'legacy' } }),
        ],
        pods: [
          pod('ambient-apps', 'legacy-1', {
            labels: { app: 'legacy', 'sidecar.istio.io/inject': 'true' },
            proxyImage: 'docker.io/istio/proxyv2:1.30.1',
          }),
        ],
      }),
      [],
    ],
    [
      'Namespaces unreadable',
      inventoryWith({
        namespaces: undefined,
        sidecars: [sidecar('ambient-apps', 'default')],
      }),
      [],
    ],
    [
      'Sidecars unreadable',
      inventoryWith({ namespaces: ambientNamespaces, sidecars: undefined }),
      [],
    ],
  ])('%s', (_case, inventory, expected) => {
    expect(
      objectsOf(sidecarInAmbientNamespace(inventory, healthyMesh())),
    ).toEqual(expected);
  });

  it('says why it has no effect', () => {
    const [diagnostic] = sidecarInAmbientNamespace(
      inventoryWith({
        namespaces: ambientNamespaces,
        sidecars: [sidecar('ambient-apps', 'default')],
      }),
      healthyMesh(),
    );
    expect(diagnostic.message).toBe(
      'Sidecar ambient-apps/default has no effect: Namespace ambient-apps is in ambient mode (istio.io/dataplane-mode=ambient) and its workloads have no sidecar proxy.',
    );
  });
});
