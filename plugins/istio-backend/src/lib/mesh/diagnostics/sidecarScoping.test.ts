import { parse } from 'yaml';
import { namespaceNotScoped, SCOPING_MIN_SERVICES } from './sidecarScoping';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshConfigMap,
  meshWith,
  objectsOf,
  sidecar,
} from './testFixtures';

/** A big mesh: three injected app namespaces plus the gateway namespace. */
const bigMesh = (services: number | undefined) =>
  meshWith({
    meshSize: { ...healthyMesh().meshSize, services },
    dataPlane: {
      ...healthyMesh().dataPlane,
      sidecarNamespaces: ['istio-demo', 'istio-ingress', 'shop', 'billing'],
    },
  });

describe('IBS-NAMESPACE-NOT-SCOPED', () => {
  it.each([
    ['a small healthy mesh', healthyInventory(), healthyMesh(), []],
    [
      'a big mesh: every injected namespace without a default Sidecar, gateways excluded',
      healthyInventory(),
      bigMesh(250),
      [
        'IBS-NAMESPACE-NOT-SCOPED Namespace billing',
        'IBS-NAMESPACE-NOT-SCOPED Namespace shop',
      ],
    ],
    [
      'a workload-selector Sidecar does not scope the namespace',
      inventoryWith({
        sidecars: [
          sidecar('istio-demo', 'default'),
          sidecar('shop', 'cart', { selector: { app: 'cart' } }),
        ],
      }),
      bigMesh(250),
      [
        'IBS-NAMESPACE-NOT-SCOPED Namespace billing',
        'IBS-NAMESPACE-NOT-SCOPED Namespace shop',
      ],
    ],
    [
      'a mesh default Sidecar in the root namespace',
      inventoryWith({ sidecars: [sidecar('istio-system', 'default')] }),
      bigMesh(250),
      [],
    ],
    [
      'the root namespace moved by MeshConfig rootNamespace',
      inventoryWith({
        sidecars: [sidecar('mesh-root', 'default')],
        configMaps: [meshConfigMap('rootNamespace: mesh-root\n')],
      }),
      bigMesh(250),
      [],
    ],
    [
      `fewer than ${SCOPING_MIN_SERVICES} services`,
      healthyInventory(),
      bigMesh(199),
      [],
    ],
    ['service count unknown', healthyInventory(), bigMesh(undefined), []],
    [
      'Sidecars unreadable',
      inventoryWith({ sidecars: undefined }),
      bigMesh(250),
      [],
    ],
    [
      'no control plane known (root namespace unknown)',
      healthyInventory(),
      meshWith({ ...bigMesh(250), controlPlanes: [] }),
      [],
    ],
  ])('%s', (_case, inventory, mesh, expected) => {
    expect(objectsOf(namespaceNotScoped(inventory, mesh))).toEqual(expected);
  });

  it('recommends ./* (the namespace itself) plus the control plane and the tracing collector', () => {
    const [diagnostic] = namespaceNotScoped(healthyInventory(), bigMesh(250));
    expect(diagnostic.message).toBe(
      'Namespace billing has injected workloads but no Sidecar scoping (no selector-less Sidecar in it, no mesh default Sidecar in istio-system): each of its proxies holds configuration for all 250 services of the mesh.',
    );
    expect(parse(diagnostic.fix.yaml!)).toEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'billing' },
      spec: {
        egress: [
          {
            hosts: [
              './*',
              'istio-system/*',
              'observability/jaeger-collector.observability.svc.cluster.local',
            ],
          },
        ],
      },
    });
  });

  it('uses networking.istio.io/v1beta1 for control planes older than 1.22', () => {
    const mesh = bigMesh(250);
    mesh.controlPlanes = [{ ...mesh.controlPlanes[0], version: '1.11.7' }];
    const [diagnostic] = namespaceNotScoped(healthyInventory(), mesh);
    expect(parse(diagnostic.fix.yaml!).apiVersion).toBe(
      'networking.istio.io/v1beta1',
    );
  });
});
