import { isResourcePermission } from '@backstage/plugin-permission-common';
import {
  istioMeshReadPermission,
  istioNamespaceCreatePermission,
  istioPermissions,
  istioSidecarApplyPermission,
} from './permissions';

describe('istio permissions', () => {
  it('uses the documented names', () => {
    expect(istioPermissions.map(p => p.name)).toEqual([
      'istio.mesh.read',
      'istio.namespace.read',
      'istio.sidecar.apply',
      'istio.namespace.create',
    ]);
  });

  it('makes sidecar apply a catalog-entity permission so ownership rules apply', () => {
    expect(
      isResourcePermission(istioSidecarApplyPermission, 'catalog-entity'),
    ).toBe(true);
    expect(isResourcePermission(istioMeshReadPermission)).toBe(false);
    expect(isResourcePermission(istioNamespaceCreatePermission)).toBe(false);
  });
});
