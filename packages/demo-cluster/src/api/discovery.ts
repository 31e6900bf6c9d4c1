import { groupVersion, type ResourceType } from '../store/resources';

const VERBS_READ = ['get', 'list', 'watch'];
const VERBS_WRITE = ['create', 'delete', 'get', 'list', 'patch', 'watch'];

function apiResource(t: ResourceType) {
  return {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.writable ? VERBS_WRITE : VERBS_READ,
    ...(t.shortNames ? { shortNames: t.shortNames } : {}),
  };
}

/** `/api/v1` or `/apis/<group>/<version>`. */
export function apiResourceList(
  types: ResourceType[],
  group: string,
  version: string,
) {
  const resources = types
    .filter(t => t.group === group && t.versions.includes(version))
    .flatMap(t => {
      const list: Array<Record<string, unknown>> = [apiResource(t)];
      if (t.plural === 'pods') {
        list.push({
          name: 'pods/proxy',
          singularName: '',
          namespaced: true,
          kind: 'PodProxyOptions',
          verbs: ['get'],
        });
      }
      return list;
    });
  if (group === 'metrics.k8s.io') {
    resources.push({
      name: 'pods',
      singularName: '',
      namespaced: true,
      kind: 'PodMetrics',
      verbs: ['get', 'list'],
    });
  }
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: groupVersion(group, version),
    resources,
  };
}

function groupEntry(name: string, versions: string[]) {
  const list = versions.map(v => ({
    groupVersion: `${name}/${v}`,
    version: v,
  }));
  return { name, versions: list, preferredVersion: list[0] };
}

/** The served API groups (excluding the core group). */
export function apiGroups(types: ResourceType[]) {
  const groups = new Map<string, string[]>();
  for (const t of types) {
    if (!t.group) continue;
    const versions = groups.get(t.group) ?? [];
    for (const v of t.versions) if (!versions.includes(v)) versions.push(v);
    groups.set(t.group, versions);
  }
  groups.set('metrics.k8s.io', ['v1beta1']);
  return [...groups].map(([name, versions]) => groupEntry(name, versions));
}

export function apiGroupList(types: ResourceType[]) {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: apiGroups(types) };
}

export function apiGroup(types: ResourceType[], name: string) {
  const group = apiGroups(types).find(g => g.name === name);
  return group ? { kind: 'APIGroup', apiVersion: 'v1', ...group } : undefined;
}

export const apiVersions = {
  kind: 'APIVersions',
  versions: ['v1'],
  serverAddressByClientCIDRs: [
    { clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1:6443' },
  ],
};
