import type { ResourceAttributes } from './rbac';

const METHOD_VERBS: Record<string, string> = {
  GET: 'get',
  HEAD: 'get',
  POST: 'create',
  PUT: 'update',
  PATCH: 'patch',
  DELETE: 'delete',
};

/** Subresources of a Namespace, which follow its name directly. */
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** The name a list or watch selects with `fieldSelector=metadata.name=<name>`. */
function selectedName(query: URLSearchParams): string | undefined {
  for (const term of (query.get('fieldSelector') ?? '').split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && m[1] !== '' && !m[1].includes('/')) return m[1];
  }
  return undefined;
}

/**
 * The RBAC attributes of a request to `/api/v1/...` or `/apis/<group>/<version>/...`,
 * derived from its method and URL as kube-apiserver derives them: a GET without a name
 * is `list` (or `watch`), a DELETE without a name `deletecollection`; the namespace of a
 * Namespace object is its own name.
 */
export function requestAttributes(
  method: string | undefined,
  url: URL,
): ResourceAttributes {
  const parts = url.pathname
    .split('/')
    .filter(Boolean)
    .map(p => decodeURIComponent(p));
  const group = parts[0] === 'api' ? '' : parts[1] ?? '';
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 1) {
    namespace = rest[1];
    if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2]))
      rest = rest.slice(2);
  }
  const [resource = '', name, subresource] = rest;
  let verb = METHOD_VERBS[method ?? 'GET'] ?? (method ?? '').toLowerCase();
  const attributes: ResourceAttributes = {
    verb,
    group,
    resource,
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
  if (name === undefined && verb === 'get') {
    const watch = url.searchParams.get('watch');
    verb = watch === 'true' || watch === '1' ? 'watch' : 'list';
    const selected = selectedName(url.searchParams);
    return {
      ...attributes,
      verb,
      ...(selected !== undefined ? { name: selected } : {}),
    };
  }
  if (name === undefined && verb === 'delete')
    return { ...attributes, verb: 'deletecollection' };
  return attributes;
}
