// Counts the Kubernetes API requests the simulator receives, by verb and by what they
// read, for benchmarks that look at the cluster from outside the process (how often
// idle backends read the cluster). Exposed as Prometheus text on the metrics port at
// `/metrics/apiserver` (loopback only, like the rest of the simulator), apart from
// `/metrics` so that Prometheus's scrapes of the mesh neither see nor cause them.
import type { ResourceType } from '../store/resources';

/** Subresources the counter names; any other is counted as `other`. */
const SUBRESOURCES = new Set(['proxy', 'log', 'status', 'exec', 'eviction']);

/** The labels of one request, as kube-apiserver's `apiserver_request_total` names verbs. */
export interface RequestLabels {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`, or the HTTP method in lower case outside resources. */
  verb: string;
  /**
   * What was asked for: `<group>/<plural>[/<subresource>]` for a served resource
   * (`core` for the core group, e.g. `core/pods`, `networking.istio.io/sidecars`,
   * `core/pods/proxy`), else `discovery`, `openapi`, `version`, `health`, `sim`,
   * `unknown-resource` or `other`. A bounded set: never a name or a namespace.
   */
  pathGroup: string;
}

function resourceLabels(
  method: string,
  url: URL,
  types: readonly Pick<ResourceType, 'group' | 'plural'>[],
): RequestLabels {
  const parts = url.pathname.split('/').filter(Boolean);
  const core = parts[0] === 'api';
  const group = core ? '' : parts[1];
  let rest = parts.slice(core ? 2 : 3);
  if (rest.length === 0)
    return { verb: method.toLowerCase(), pathGroup: 'discovery' };
  // `/api/v1/namespaces/<name>` is the Namespace object itself.
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [plural, name, subresource] = rest;
  const served =
    (group === 'metrics.k8s.io' && plural === 'pods') ||
    types.some(t => t.group === group && t.plural === plural);
  let verb: string;
  if (
    url.searchParams.get('watch') === 'true' ||
    url.searchParams.get('watch') === '1'
  )
    verb = 'watch';
  else if (method === 'GET' || method === 'HEAD') verb = name ? 'get' : 'list';
  else if (method === 'POST') verb = 'create';
  else if (method === 'PUT') verb = 'update';
  else if (method === 'PATCH') verb = 'patch';
  else if (method === 'DELETE') verb = name ? 'delete' : 'deletecollection';
  else verb = method.toLowerCase();
  if (!served) return { verb, pathGroup: 'unknown-resource' };
  const sub = subresource
    ? `/${SUBRESOURCES.has(subresource) ? subresource : 'other'}`
    : '';
  return { verb, pathGroup: `${group || 'core'}/${plural}${sub}` };
}

/**
 * The labels a request is counted under. Pure; `types` are the served resource types
 * (a group and plural not among them count as `unknown-resource`, so a client cannot
 * grow the set of series).
 */
export function requestLabels(
  method: string | undefined,
  url: URL,
  types: readonly Pick<ResourceType, 'group' | 'plural'>[],
): RequestLabels {
  const verb = (method ?? 'GET').toUpperCase();
  const path = url.pathname;
  if (path === '/healthz' || path === '/readyz' || path === '/livez')
    return { verb: verb.toLowerCase(), pathGroup: 'health' };
  if (path === '/version')
    return { verb: verb.toLowerCase(), pathGroup: 'version' };
  if (path === '/openapi' || path.startsWith('/openapi/'))
    return { verb: verb.toLowerCase(), pathGroup: 'openapi' };
  if (path.startsWith('/_sim/'))
    return { verb: verb.toLowerCase(), pathGroup: 'sim' };
  if (path === '/api' || path === '/apis' || /^\/apis\/[^/]+\/?$/.test(path))
    return { verb: verb.toLowerCase(), pathGroup: 'discovery' };
  if (path.startsWith('/api/') || path.startsWith('/apis/'))
    return resourceLabels(verb, url, types);
  return { verb: verb.toLowerCase(), pathGroup: 'other' };
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');

/** A request counter with its Prometheus exposition. */
export function createRequestCounter(
  types: readonly Pick<ResourceType, 'group' | 'plural'>[],
) {
  const counts = new Map<string, { labels: RequestLabels; value: number }>();
  return {
    /** Counts one request. */
    count(method: string | undefined, url: URL) {
      const labels = requestLabels(method, url, types);
      const key = `${labels.verb} ${labels.pathGroup}`;
      const entry = counts.get(key);
      if (entry) entry.value++;
      else counts.set(key, { labels, value: 1 });
    },
    /** Prometheus text: `demo_apiserver_requests_total{verb,path_group}` and the open watches. */
    exposition(openWatches: number): string {
      const lines = [
        '# HELP demo_apiserver_requests_total Kubernetes API requests the simulator received, by verb and by what they asked for.',
        '# TYPE demo_apiserver_requests_total counter',
      ];
      for (const { labels, value } of [...counts.values()].sort((a, b) =>
        `${a.labels.pathGroup} ${a.labels.verb}`.localeCompare(
          `${b.labels.pathGroup} ${b.labels.verb}`,
        ),
      )) {
        lines.push(
          `demo_apiserver_requests_total{verb="${escapeLabel(
            labels.verb,
          )}",path_group="${escapeLabel(labels.pathGroup)}"} ${value}`,
        );
      }
      lines.push(
        '# HELP demo_apiserver_open_watches Watch requests open now.',
        '# TYPE demo_apiserver_open_watches gauge',
        `demo_apiserver_open_watches ${openWatches}`,
        '',
      );
      return lines.join('\n');
    },
  };
}
