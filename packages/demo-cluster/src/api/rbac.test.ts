import { RESOURCE_TYPES } from '../store/resources';
import { permissionsOf } from './permissions';
import {
  isAllowed,
  ruleAllows,
  type Permissions,
  type PolicyRule,
  type ResourceAttributes,
} from './rbac';
import { requestAttributes } from './requestAttributes';

const attrs = (
  verb: string,
  resource: string,
  extra: Partial<ResourceAttributes> = {},
): ResourceAttributes => ({ verb, group: '', resource, ...extra });

const at = (method: string, path: string) =>
  requestAttributes(method, new URL(path, 'https://127.0.0.1'));

describe('ruleAllows', () => {
  const listPods: PolicyRule = {
    apiGroups: [''],
    resources: ['pods'],
    verbs: ['list'],
  };

  it('matches verb, group and resource exactly', () => {
    expect(ruleAllows(listPods, attrs('list', 'pods'))).toBe(true);
    expect(ruleAllows(listPods, attrs('get', 'pods'))).toBe(false);
    expect(ruleAllows(listPods, attrs('list', 'services'))).toBe(false);
    expect(ruleAllows(listPods, attrs('list', 'pods', { group: 'apps' }))).toBe(
      false,
    );
  });

  it('takes * for any verb, group or resource', () => {
    const all: PolicyRule = {
      apiGroups: ['*'],
      resources: ['*'],
      verbs: ['*'],
    };
    expect(
      ruleAllows(all, attrs('deletecollection', 'sidecars', { group: 'x.io' })),
    ).toBe(true);
    expect(ruleAllows(all, attrs('get', 'pods', { subresource: 'log' }))).toBe(
      true,
    );
  });

  it('matches subresources only as resource/subresource or */subresource', () => {
    const log = attrs('get', 'pods', { subresource: 'log', name: 'p' });
    expect(ruleAllows({ ...listPods, verbs: ['get'] }, log)).toBe(false);
    expect(
      ruleAllows({ ...listPods, resources: ['pods/log'], verbs: ['get'] }, log),
    ).toBe(true);
    expect(
      ruleAllows({ ...listPods, resources: ['*/log'], verbs: ['get'] }, log),
    ).toBe(true);
    expect(
      ruleAllows(
        { ...listPods, resources: ['*/status'], verbs: ['get'] },
        attrs('get', 'pods', { name: 'p' }),
      ),
    ).toBe(false);
  });

  it('restricts by resourceNames only requests that name an object', () => {
    const named: PolicyRule = {
      apiGroups: [''],
      resources: ['configmaps'],
      verbs: ['get', 'list', 'create', 'patch'],
      resourceNames: ['istio'],
    };
    expect(
      ruleAllows(named, attrs('get', 'configmaps', { name: 'istio' })),
    ).toBe(true);
    expect(
      ruleAllows(named, attrs('get', 'configmaps', { name: 'other' })),
    ).toBe(false);
    expect(ruleAllows(named, attrs('list', 'configmaps'))).toBe(false);
    expect(ruleAllows(named, attrs('create', 'configmaps'))).toBe(false);
    expect(
      ruleAllows(named, attrs('patch', 'configmaps', { name: 'istio' })),
    ).toBe(true);
  });
});

describe('isAllowed', () => {
  const permissions: Permissions = {
    rules: [
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get'] },
    ],
    namespaceRules: {
      a: [
        {
          apiGroups: [''],
          resources: ['pods', 'namespaces'],
          verbs: ['list', 'get'],
        },
      ],
    },
  };

  it('allows a namespaced request by a rule of its namespace only', () => {
    expect(
      isAllowed(permissions, attrs('list', 'pods', { namespace: 'a' })),
    ).toBe(true);
    expect(
      isAllowed(permissions, attrs('list', 'pods', { namespace: 'b' })),
    ).toBe(false);
  });

  it('never allows a list across namespaces by a namespace rule', () => {
    expect(isAllowed(permissions, attrs('list', 'pods'))).toBe(false);
  });

  it('allows by a cluster-wide rule in any namespace and at the cluster scope', () => {
    const get = attrs('get', 'deployments', { group: 'apps', name: 'd' });
    expect(isAllowed(permissions, { ...get, namespace: 'z' })).toBe(true);
    expect(isAllowed(permissions, get)).toBe(true);
  });

  it('ignores inherited object keys as namespaces', () => {
    expect(
      isAllowed(
        permissions,
        attrs('list', 'pods', { namespace: 'constructor' }),
      ),
    ).toBe(false);
  });
});

describe('requestAttributes', () => {
  it('derives list, watch, get and the namespace from the URL', () => {
    expect(at('GET', '/api/v1/namespaces/a/pods')).toEqual({
      verb: 'list',
      group: '',
      resource: 'pods',
      namespace: 'a',
    });
    expect(at('GET', '/api/v1/pods?watch=true')).toEqual({
      verb: 'watch',
      group: '',
      resource: 'pods',
    });
    expect(at('GET', '/apis/apps/v1/namespaces/a/deployments/d')).toEqual({
      verb: 'get',
      group: 'apps',
      resource: 'deployments',
      name: 'd',
      namespace: 'a',
    });
  });

  it('names the object a list selects by metadata.name', () => {
    expect(
      at('GET', '/api/v1/namespaces/a/pods?fieldSelector=metadata.name%3Dp1'),
    ).toMatchObject({ verb: 'list', name: 'p1' });
  });

  it('gives write verbs by method, and deletecollection without a name', () => {
    const base = '/apis/networking.istio.io/v1/namespaces/a/sidecars';
    expect(at('POST', base).verb).toBe('create');
    expect(at('PATCH', `${base}/default`).verb).toBe('patch');
    expect(at('PUT', `${base}/default`).verb).toBe('update');
    expect(at('DELETE', `${base}/default`).verb).toBe('delete');
    expect(at('DELETE', base).verb).toBe('deletecollection');
  });

  it('puts a Namespace object in its own namespace, and subresources apart', () => {
    expect(at('PATCH', '/api/v1/namespaces/shop')).toEqual({
      verb: 'patch',
      group: '',
      resource: 'namespaces',
      name: 'shop',
      namespace: 'shop',
    });
    expect(at('GET', '/api/v1/namespaces')).toEqual({
      verb: 'list',
      group: '',
      resource: 'namespaces',
    });
    expect(
      at('GET', '/api/v1/namespaces/a/pods/p:15020/proxy/stats/prometheus'),
    ).toEqual({
      verb: 'get',
      group: '',
      resource: 'pods',
      name: 'p:15020',
      subresource: 'proxy',
      namespace: 'a',
    });
  });
});

describe('permissionsOf', () => {
  const write = permissionsOf({ role: 'write' }, RESOURCE_TYPES);
  const read = permissionsOf({ role: 'read' }, RESOURCE_TYPES);

  it('reads everything with either role', () => {
    for (const p of [read, write]) {
      expect(isAllowed(p, attrs('list', 'pods'))).toBe(true);
      expect(isAllowed(p, attrs('watch', 'anything', { group: 'x.io' }))).toBe(
        true,
      );
    }
    expect(isAllowed(read, attrs('patch', 'namespaces', { name: 'n' }))).toBe(
      false,
    );
  });

  it('writes exactly the writable kinds with the write role', () => {
    for (const type of RESOURCE_TYPES) {
      for (const verb of ['create', 'update', 'patch', 'delete']) {
        const request = attrs(verb, type.plural, {
          group: type.group,
          name: 'x',
          namespace: 'n',
        });
        expect(isAllowed(write, request)).toBe(!!type.writable);
      }
    }
    expect(isAllowed(write, attrs('deletecollection', 'namespaces'))).toBe(
      false,
    );
  });

  it('adds rules and namespace rules to the role', () => {
    const both = permissionsOf(
      {
        role: 'read',
        namespaceRules: {
          a: [
            { apiGroups: [''], resources: ['configmaps'], verbs: ['create'] },
          ],
        },
      },
      RESOURCE_TYPES,
    );
    expect(
      isAllowed(both, attrs('create', 'configmaps', { namespace: 'a' })),
    ).toBe(true);
    expect(isAllowed(both, attrs('get', 'configmaps', { name: 'c' }))).toBe(
      true,
    );
    expect(
      isAllowed(permissionsOf({}, RESOURCE_TYPES), attrs('get', 'pods')),
    ).toBe(false);
  });
});
