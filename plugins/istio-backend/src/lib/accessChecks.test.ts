import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { authorizeMeshRead, strictEntityRef } from './accessChecks';

describe('strictEntityRef', () => {
  it.each([
    ['component:default/productpage', 'component:default/productpage'],
    ['Component:default/productpage', 'component:default/productpage'],
    ['component:team-a/reviews', 'component:team-a/reviews'],
  ])('%s → %s', (raw, ref) => {
    expect(strictEntityRef(raw)).toBe(ref);
  });

  it.each(['', 'productpage', 'component:', 'component:default/', ':/'])(
    'refuses %j as malformed',
    raw => {
      expect(() => strictEntityRef(raw)).toThrow(
        expect.objectContaining({
          name: 'InputError',
          message: expect.stringMatching(/^Malformed entityRef: /),
        }),
      );
    },
  );
});

describe('authorizeMeshRead', () => {
  it.each([
    [AuthorizeResult.ALLOW, 'allowed'],
    [AuthorizeResult.DENY, 'NotAllowedError'],
  ])('%s → %s', async (result, outcome) => {
    const permissions = mockServices.permissions.mock({
      authorize: async requests => requests.map(() => ({ result })),
    });
    await expect(
      authorizeMeshRead(permissions, mockCredentials.user()).then(
        () => 'allowed',
        (error: Error) => error.name,
      ),
    ).resolves.toBe(outcome);
    expect(permissions.authorize).toHaveBeenCalledWith(
      [{ permission: expect.objectContaining({ name: 'istio.mesh.read' }) }],
      { credentials: mockCredentials.user() },
    );
  });
});
