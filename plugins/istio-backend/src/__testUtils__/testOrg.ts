import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';

/**
 * The groups of the test users, as the catalog would resolve them: the default mock
 * user is in the team owning bookinfo (and its namespace, `istio-demo`), `visitor` in
 * the payments team, `attacker` in none.
 */
export const TEST_USER_GROUPS: Record<string, string[]> = {
  'user:default/mock': ['group:default/bookinfo-team'],
  'user:default/visitor': ['group:default/payments-team'],
  'user:default/attacker': [],
};

/** The user info service for {@link TEST_USER_GROUPS}. */
export function testUserInfo() {
  return mockServices.userInfo.mock({
    async getUserInfo(credentials: BackstageCredentials) {
      const principal = credentials.principal as { userEntityRef?: string };
      const user = principal.userEntityRef ?? '';
      return {
        userEntityRef: user,
        ownershipEntityRefs: [user, ...(TEST_USER_GROUPS[user] ?? [])],
      };
    },
  }).factory;
}
