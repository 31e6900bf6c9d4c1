import type { IstioControlPlane } from '@istio-backstage/plugin-istio-common';
import { inClusterOperator } from './operator';
import {
  deployment,
  healthyInventory,
  healthyMesh,
  inventoryWith,
  meshWith,
  objectsOf,
} from './testFixtures';

const cp = (version: string | undefined): IstioControlPlane => ({
  ...healthyMesh().controlPlanes[0],
  version,
});
const withOperator = (name = 'istio-operator') =>
  inventoryWith({
    deployments: [
      ...healthyInventory().deployments!,
      deployment('istio-operator', name),
    ],
  });

describe('IBS-IN-CLUSTER-OPERATOR', () => {
  it.each([
    ['a healthy mesh', healthyInventory(), healthyMesh(), []],
    [
      'operator next to Istio 1.24',
      withOperator(),
      meshWith({ controlPlanes: [cp('1.24.0')] }),
      ['IBS-IN-CLUSTER-OPERATOR Deployment istio-operator/istio-operator'],
    ],
    [
      'revisioned operator next to Istio 1.30',
      withOperator('istio-operator-1-23-0'),
      healthyMesh(),
      [
        'IBS-IN-CLUSTER-OPERATOR Deployment istio-operator/istio-operator-1-23-0',
      ],
    ],
    [
      'operator next to Istio 1.23 (still supported there)',
      withOperator(),
      meshWith({ controlPlanes: [cp('1.23.4')] }),
      [],
    ],
    [
      'control plane version unknown',
      withOperator(),
      meshWith({ controlPlanes: [cp(undefined)] }),
      [],
    ],
    [
      'Deployments unreadable',
      inventoryWith({ deployments: undefined }),
      healthyMesh(),
      [],
    ],
  ])('%s', (_case, inventory, mesh, expected) => {
    expect(objectsOf(inClusterOperator(inventory, mesh))).toEqual(expected);
  });

  it('explains the removal and the migration', () => {
    const [diagnostic] = inClusterOperator(withOperator(), healthyMesh());
    expect(diagnostic.message).toBe(
      'Deployment istio-operator/istio-operator is the in-cluster Istio operator, removed in Istio 1.24, but the control plane runs Istio 1.30.1: the operator cannot manage it.',
    );
    expect(diagnostic.fix.text).toContain('istioctl install -f <file>');
    expect(diagnostic.fix.text).toContain(
      'Never delete an IstioOperator resource while the operator runs',
    );
  });
});
