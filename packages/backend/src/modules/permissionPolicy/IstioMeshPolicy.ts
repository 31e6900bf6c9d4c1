import type { UserInfoService } from '@backstage/backend-plugin-api';
import { stringifyEntityRef, parseEntityRef } from '@backstage/catalog-model';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isPermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import {
  istioNamespaceCreatePermission,
  istioNamespaceReadPermission,
  istioSidecarApplyPermission,
} from '@istio-backstage/plugin-istio-common';

/**
 * The demo's permission policy:
 * - anything is refused to callers who are not signed in;
 * - `istio.sidecar.apply` only on entities the user owns (directly or through a group);
 * - `istio.namespace.create` and `istio.namespace.read` (reading any namespace
 *   directly, not through an entity) only for members of a configured platform group;
 * - everything else (reads, catalog, scaffolder, kubernetes) is allowed to signed-in users.
 */
export class IstioMeshPolicy implements PermissionPolicy {
  private readonly userInfo: UserInfoService;
  private readonly platformGroups: Set<string>;

  constructor(options: {
    userInfo: UserInfoService;
    platformGroups: string[];
  }) {
    this.userInfo = options.userInfo;
    this.platformGroups = new Set(
      options.platformGroups.map(ref =>
        stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'group' })),
      ),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    if (!user) {
      return { result: AuthorizeResult.DENY };
    }
    const { ownershipEntityRefs } = await this.userInfo.getUserInfo(
      user.credentials,
    );

    if (isPermission(request.permission, istioSidecarApplyPermission)) {
      return createCatalogConditionalDecision(
        request.permission,
        catalogConditions.isEntityOwner({ claims: ownershipEntityRefs }),
      );
    }
    if (
      isPermission(request.permission, istioNamespaceCreatePermission) ||
      isPermission(request.permission, istioNamespaceReadPermission)
    ) {
      const member = ownershipEntityRefs.some(ref =>
        this.platformGroups.has(ref),
      );
      return { result: member ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
