import { parseAllDocuments } from 'yaml';
import { cniMissing } from './cni';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshWith,
  objectsOf,
  pod,
} from './testFixtures';

const PROXY = 'docker.io/istio/proxyv2:1.30.1';
const withoutCni = meshWith({ cni: { installed: 'no' } });
const podsWithInit = [
  pod('istio-demo', 'reviews-v1-c5f7-ngst4', {
    proxyImage: PROXY,
    istioInit: ['NET_ADMIN', 'NET_RAW'],
  }),
  pod('istio-demo', 'details-v1-6f6b-4bksd', {
    proxyImage: PROXY,
    istioInit: ['NET_ADMIN', 'NET_RAW'],
  }),
  pod('shop', 'cart-1', { proxyImage: PROXY, istioInit: ['NET_ADMIN'] }),
  pod('shop', 'plain-1'),
];

describe('IBS-CNI-MISSING', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), healthyMesh(), []],
    [
      'no CNI and istio-init pods',
      inventoryWith({ pods: podsWithInit }),
      withoutCni,
      ['IBS-CNI-MISSING Pod istio-demo/details-v1-6f6b-4bksd'],
    ],
    ['CNI installed', inventoryWith({ pods: podsWithInit }), healthyMesh(), []],
    [
      'CNI state unknown',
      inventoryWith({ pods: podsWithInit }),
      meshWith({ cni: { installed: 'unknown' } }),
      [],
    ],
    ['pods unreadable', inventoryWith({ pods: undefined }), withoutCni, []],
    [
      'no CNI but no istio-init with NET_ADMIN/NET_RAW',
      inventoryWith({
        pods: [
          pod('shop', 'cart-1', { proxyImage: PROXY, istioInit: ['SYS_TIME'] }),
        ],
      }),
      withoutCni,
      [],
    ],
  ])('%s', (_case, inventory, mesh, expected) => {
    expect(objectsOf(cniMissing(inventory, mesh))).toEqual(expected);
  });

  it('counts pods and namespaces and gives the IstioOperator and Helm fixes', () => {
    const [diagnostic] = cniMissing(
      inventoryWith({ pods: podsWithInit }),
      withoutCni,
    );
    expect(diagnostic.message).toBe(
      'Istio CNI is not installed: 3 pods in 2 namespaces (istio-demo, shop) run the istio-init init container with NET_ADMIN and NET_RAW, for example Pod istio-demo/details-v1-6f6b-4bksd.',
    );
    expect(diagnostic.fix.text).toContain('pilot.cni.enabled=true');
    const [iop, helm] = parseAllDocuments(diagnostic.fix.yaml!).map(d =>
      d.toJS(),
    );
    expect(iop.spec.components.cni.enabled).toBe(true);
    expect(helm).toEqual({ pilot: { cni: { enabled: true } } });
  });
});
