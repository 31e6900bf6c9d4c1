import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  istioMeshReadPermission,
  istioNamespaceCreatePermission,
  istioNamespaceReadPermission,
  istioSidecarApplyPermission,
} from '@istio-backstage/plugin-istio-common';
import { IstioMeshPolicy } from './IstioMeshPolicy';

const ownership: Record<string, string[]> = {
  'user:default/guest': [
    'user:default/guest',
    'group:default/bookinfo-team',
    'group:default/platform-team',
  ],
  'user:default/visitor': [
    'user:default/visitor',
    'group:default/payments-team',
  ],
};

const policy = new IstioMeshPolicy({
  userInfo: mockServices.userInfo.mock({
    getUserInfo: async credentials => {
      const userEntityRef = (credentials.principal as { userEntityRef: string })
        .userEntityRef;
      return {
        userEntityRef,
        ownershipEntityRefs: ownership[userEntityRef] ?? [userEntityRef],
      };
    },
  }),
  platformGroups: ['platform-team'],
});

const as = (ref: string) => ({
  identity: {
    userEntityRef: ref,
    ownershipEntityRefs: [],
    type: 'user' as const,
  },
  credentials: mockCredentials.user(ref),
  token: 'unused',
  info: { userEntityRef: ref, ownershipEntityRefs: [] },
});

describe('IstioMeshPolicy', () => {
  it('refuses everything to callers who are not signed in', async () => {
    const decision = await policy.handle({
      permission: istioMeshReadPermission,
    });
    expect(decision).toEqual({ result: AuthorizeResult.DENY });
  });

  it('allows mesh reads to signed-in users', async () => {
    const decision = await policy.handle(
      { permission: istioMeshReadPermission },
      as('user:default/visitor'),
    );
    expect(decision).toEqual({ result: AuthorizeResult.ALLOW });
  });

  it('lets only owners apply a Sidecar: a catalog ownership condition with the user claims', async () => {
    const decision = await policy.handle(
      { permission: istioSidecarApplyPermission },
      as('user:default/visitor'),
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: {
          claims: ['user:default/visitor', 'group:default/payments-team'],
        },
      },
    });
  });

  it.each([
    ['user:default/guest', AuthorizeResult.ALLOW],
    ['user:default/visitor', AuthorizeResult.DENY],
  ])(
    'lets %s create mesh namespaces: %s (platform team only)',
    async (ref, result) => {
      const decision = await policy.handle(
        { permission: istioNamespaceCreatePermission },
        as(ref),
      );
      expect(decision).toEqual({ result });
    },
  );

  it.each([
    ['user:default/guest', AuthorizeResult.ALLOW],
    ['user:default/visitor', AuthorizeResult.DENY],
  ])(
    'lets %s read any namespace directly: %s (platform team only)',
    async (ref, result) => {
      const decision = await policy.handle(
        { permission: istioNamespaceReadPermission },
        as(ref),
      );
      expect(decision).toEqual({ result });
    },
  );
});
