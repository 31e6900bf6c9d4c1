import type { IstioControlPlane } from '@istio-backstage/plugin-istio-common';
import { parse } from 'yaml';
import { proxyNewerThanControlPlane } from './proxyVersions';
import {
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshWith,
  objectsOf,
  pod,
} from './testFixtures';

const cp = (
  revision: string,
  version: string | undefined,
): IstioControlPlane => ({
  ...healthyMesh().controlPlanes[0],
  revision,
  version,
  tag: version,
});
const proxy = (ns: string, name: string, tag: string, revision?: string) =>
  pod(ns, name, {
    proxyImage: `docker.io/istio/proxyv2:${tag}`,
    native: true,
    ...(revision
      ? {
          annotations: {
            'sidecar.istio.io/status': JSON.stringify({ revision }),
          },
        }
      : {}),
  });

describe('IBS-PROXY-NEWER-THAN-CONTROL-PLANE', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), healthyMesh(), []],
    [
      'proxies one minor ahead of the only control plane, grouped per namespace',
      inventoryWith({
        pods: [
          proxy('shop', 'cart-2', '1.30.0'),
          proxy('shop', 'cart-1', '1.30.0'),
          proxy('shop', 'old-1', '1.29.3'),
        ],
      }),
      meshWith({ controlPlanes: [cp('default', '1.29.2')] }),
      ['IBS-PROXY-NEWER-THAN-CONTROL-PLANE Pod shop/cart-1'],
    ],
    [
      'control plane one minor ahead (supported)',
      inventoryWith({ pods: [proxy('shop', 'cart-1', '1.29.3')] }),
      healthyMesh(),
      [],
    ],
    [
      'proxy tag not a version',
      inventoryWith({ pods: [proxy('shop', 'cart-1', 'latest')] }),
      meshWith({ controlPlanes: [cp('default', '1.29.2')] }),
      [],
    ],
    [
      'control plane version unknown',
      inventoryWith({ pods: [proxy('shop', 'cart-1', '1.30.0')] }),
      meshWith({ controlPlanes: [cp('default', undefined)] }),
      [],
    ],
    [
      'two control planes and a pod whose revision is unknown',
      inventoryWith({ pods: [proxy('shop', 'cart-1', '1.30.0')] }),
      meshWith({
        controlPlanes: [cp('default', '1.29.2'), cp('canary', '1.30.1')],
      }),
      [],
    ],
    [
      'two control planes: the pod belongs to the older one',
      inventoryWith({ pods: [proxy('shop', 'cart-1', '1.30.0', 'default')] }),
      meshWith({
        controlPlanes: [cp('default', '1.29.2'), cp('canary', '1.30.1')],
      }),
      ['IBS-PROXY-NEWER-THAN-CONTROL-PLANE Pod shop/cart-1'],
    ],
    [
      'two control planes: the pod belongs to the newer one',
      inventoryWith({ pods: [proxy('shop', 'cart-1', '1.30.0', 'canary')] }),
      meshWith({
        controlPlanes: [cp('default', '1.29.2'), cp('canary', '1.30.1')],
      }),
      [],
    ],
    [
      'pods unreadable',
      inventoryWith({ pods: undefined }),
      meshWith({ controlPlanes: [cp('default', '1.29.2')] }),
      [],
    ],
  ])('%s', (_case, inventory, mesh, expected) => {
    expect(objectsOf(proxyNewerThanControlPlane(inventory, mesh))).toEqual(
      expected,
    );
  });

  it('names the pods and control plane, and moves the namespace to a newer revision', () => {
    const [diagnostic] = proxyNewerThanControlPlane(
      inventoryWith({
        pods: [
          proxy('shop', 'cart-1', '1.30.0', 'default'),
          proxy('shop', 'cart-2', '1.30.0', 'default'),
        ],
      }),
      meshWith({
        controlPlanes: [cp('default', '1.29.2'), cp('canary', '1.30.1')],
      }),
    );
    expect(diagnostic.message).toBe(
      "2 pods in Namespace shop run istio-proxy 1.30 (docker.io/istio/proxyv2:1.30.0), for example Pod shop/cart-1, but their control plane Deployment istio-system/istiod (revision 'default') runs Istio 1.29.2. A control plane may be one minor ahead of its proxies, never behind.",
    );
    expect(diagnostic.fix.text).toContain(
      "Move Namespace shop to revision 'canary' (Istio 1.30.1)",
    );
    expect(parse(diagnostic.fix.yaml!)).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'shop', labels: { 'istio.io/rev': 'canary' } },
    });
  });

  it('asks for a control plane upgrade and flags proxyImage overrides when no newer revision exists', () => {
    const pinned = proxy('shop', 'cart-1', '1.30.0');
    pinned.metadata!.annotations = {
      'sidecar.istio.io/proxyImage': 'docker.io/istio/proxyv2:1.30.0',
    };
    const [diagnostic] = proxyNewerThanControlPlane(
      inventoryWith({ pods: [pinned] }),
      meshWith({ controlPlanes: [cp('default', '1.29.2')] }),
    );
    expect(diagnostic.fix.text).toBe(
      'Upgrade the control plane to Istio 1.30 or later before the proxies, then restart the workloads. Some of these pods pin their proxy with the sidecar.istio.io/proxyImage annotation: remove it.',
    );
    expect(diagnostic.fix.yaml).toBeUndefined();
  });
});
