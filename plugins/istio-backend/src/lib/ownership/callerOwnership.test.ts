import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { V1Pod } from '@kubernetes/client-node';
import { callerOwnership } from './callerOwnership';

const entity = (name: string, owner: string, id?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: id ? { 'backstage.io/kubernetes-id': id } : {},
  },
  spec: { owner },
  relations: [{ type: 'ownedBy', targetRef: owner }],
});

const pod = (name: string, id?: string): V1Pod => ({
  metadata: {
    name,
    labels: id ? { 'backstage.io/kubernetes-id': id } : {},
  },
});

const shop = entity('shop', 'group:default/shop-team', 'shop');
const catalog = catalogServiceMock({
  entities: [
    shop,
    entity('payments', 'group:default/payments-team', 'payments'),
  ],
});
const userInfo = mockServices.userInfo.mock({
  getUserInfo: async () => ({
    userEntityRef: 'user:default/ana',
    ownershipEntityRefs: ['user:default/ana', 'group:default/shop-team'],
  }),
});

describe('callerOwnership', () => {
  it("finds the pods that are not the caller's, by their entity id or as the requesting entity's", async () => {
    const ownership = await callerOwnership(
      { catalog, userInfo },
      mockCredentials.user('user:default/ana'),
    );
    expect(ownership.refs).toEqual([
      'user:default/ana',
      'group:default/shop-team',
    ]);
    const foreign = await ownership.podsNotOwned(
      [
        pod('shop-1', 'shop'),
        pod('payments-1', 'payments'),
        pod('unknown-id-1', 'nobody-has-this-id'),
        pod('unlabelled-own'),
        pod('unlabelled-other'),
      ],
      { entity: shop, pods: new Set(['shop-1', 'unlabelled-own']) },
    );
    expect(foreign.map(p => p.metadata?.name)).toEqual([
      'payments-1',
      'unknown-id-1',
      'unlabelled-other',
    ]);
  });

  it("never counts unlabelled pods as the caller's when they do not own the entity", async () => {
    const ownership = await callerOwnership(
      { catalog, userInfo },
      mockCredentials.user('user:default/ana'),
    );
    const payments = entity(
      'payments',
      'group:default/payments-team',
      'payments',
    );
    expect(ownership.ownsEntity(payments)).toBe(false);
    const foreign = await ownership.podsNotOwned([pod('unlabelled')], {
      entity: payments,
      pods: new Set(['unlabelled']),
    });
    expect(foreign).toHaveLength(1);
  });
});
