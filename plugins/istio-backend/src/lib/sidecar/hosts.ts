// Host names as Istio compares them: Sidecar egress hosts (`namespace/dnsName`), service
// hosts (FQDNs or ServiceEntry hosts, possibly wildcarded) and `exportTo` lists.

/** Kubernetes' default cluster domain, used when no service host reveals the real one. */
export const DEFAULT_CLUSTER_DOMAIN = 'cluster.local';

/** A parsed Sidecar egress host. */
export interface EgressHost {
  /** `*` (any namespace), `.` (the proxy's namespace), `~` (none) or a namespace name. */
  namespace: string;
  /** `*`, a left-most wildcard such as `*.example.com`, or an exact name. Lower-cased. */
  dnsName: string;
}

/**
 * Parses `namespace/dnsName`. A host without `/` is rejected (`undefined`), as istiod
 * does: it logs "host must be of form namespace/dnsName" and skips the host.
 */
export function parseEgressHost(host: string): EgressHost | undefined {
  const slash = host.indexOf('/');
  if (slash <= 0 || slash === host.length - 1) return undefined;
  return {
    namespace: host.slice(0, slash),
    dnsName: normalizeDnsName(host.slice(slash + 1)),
  };
}

/** Lower-cases a DNS name and drops a trailing dot (DNS names are case-insensitive). */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** `*` or `*.suffix`. */
export function isWildcard(dnsName: string): boolean {
  return dnsName === '*' || dnsName.startsWith('*.');
}

/**
 * Whether two host names overlap, with the semantics of Istio's `host.Name.Matches`:
 * exact names match only exactly; a left-most wildcard `*.example.com` covers every name
 * ending in `.example.com` at any depth (`a.example.com`, `a.b.example.com`, and the more
 * specific wildcard `*.b.example.com`) but not `example.com` itself; `*` covers everything.
 * The relation is symmetric: a specific name overlaps a wildcard that covers it.
 */
export function dnsNamesOverlap(a: string, b: string): boolean {
  if (a === b || a === '*' || b === '*') return true;
  if (a.startsWith('*.') && b.endsWith(a.slice(1))) return true;
  return b.startsWith('*.') && a.endsWith(b.slice(1));
}

/**
 * Whether `dnsName` is covered by `pattern` (one-directional, unlike
 * {@link dnsNamesOverlap}): `*` covers all, `*.s` covers names and wildcards ending in `.s`.
 */
export function dnsNameCovers(pattern: string, dnsName: string): boolean {
  if (pattern === dnsName || pattern === '*') return true;
  return (
    pattern.startsWith('*.') &&
    dnsName !== '*' &&
    dnsName.endsWith(pattern.slice(1))
  );
}

/**
 * The wildcard patterns that strictly cover `dnsName`, broadest first:
 * `a.b.example.com` → `*`, `*.com`, `*.example.com`, `*.b.example.com`; the wildcard
 * `*.b.example.com` → `*`, `*.com`, `*.example.com`; `*` → none.
 * Lets callers test coverage with set look-ups instead of scanning every pattern.
 */
export function coveringWildcards(dnsName: string): string[] {
  if (dnsName === '*') return [];
  const body = dnsName.startsWith('*.') ? dnsName.slice(2) : dnsName;
  const labels = body.split('.');
  const out = ['*'];
  for (let i = labels.length - 1; i >= 1; i--) {
    out.push(`*.${labels.slice(i).join('.')}`);
  }
  return out;
}

/**
 * Whether a service with this `exportTo` is visible from `namespace`, as istiod's
 * `IsServiceVisible`: `*` exports everywhere, `.` to the service's own namespace only,
 * `~` nowhere, and a namespace name to that namespace. A service is **not** implicitly
 * visible in its own namespace when its list names other namespaces only. An empty list
 * means the mesh default, taken here as `*` (MeshConfig `defaultServiceExportTo` unset).
 */
export function isExportedTo(
  exportTo: readonly string[],
  serviceNamespace: string,
  namespace: string,
): boolean {
  if (exportTo.length === 0) return true;
  for (const e of exportTo) {
    if (e === '*' || e === namespace) return true;
    if (e === '.' && serviceNamespace === namespace) return true;
  }
  return false;
}

/**
 * `exportTo` as istiod reads it: the object's own list, else the MeshConfig default,
 * else `*` (every namespace).
 */
export function exportToOrDefault(
  exportTo: readonly string[] | undefined,
  meshDefault: readonly string[] | undefined,
): readonly string[] {
  if (exportTo && exportTo.length > 0) return exportTo;
  if (meshDefault && meshDefault.length > 0) return meshDefault;
  return ['*'];
}

/**
 * Whether a VirtualService with this (non-empty) `exportTo` is visible from `namespace`,
 * as istiod indexes them: `*` exports everywhere whatever else is listed; otherwise `~`
 * anywhere in the list exports nowhere; else `.` and namespace names as for services.
 */
export function isVirtualServiceExportedTo(
  exportTo: readonly string[],
  virtualServiceNamespace: string,
  namespace: string,
): boolean {
  if (exportTo.includes('*')) return true;
  if (exportTo.includes('~')) return false;
  return isExportedTo(exportTo, virtualServiceNamespace, namespace);
}

/**
 * A host of a VirtualService or DestinationRule as istiod resolves it against the
 * namespace the object is defined in: only a dot-less short name (not `*`) becomes
 * `<name>.<namespace>.svc.<domain>`; `name.ns`, FQDNs and wildcards stay as written.
 */
export function resolveConfigHost(
  host: string,
  objectNamespace: string,
  domain: string,
): string {
  const name = normalizeDnsName(host);
  if (name === '*' || name.includes('.') || name.includes(':')) return name;
  return `${name}.${objectNamespace}.svc.${domain}`;
}

/** The narrower of two overlapping host names: the one the other covers. */
export function narrowerHost(a: string, b: string): string {
  return dnsNameCovers(a, b) ? b : a;
}

/** Matches `<name>.<namespace>.svc.<domain>`. */
const K8S_HOST = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.(.+)$/;

/** Splits a Kubernetes service FQDN; `undefined` for other hosts. */
export function parseKubernetesHost(
  host: string,
): { name: string; namespace: string; domain: string } | undefined {
  const m = K8S_HOST.exec(host);
  return m ? { name: m[1], namespace: m[2], domain: m[3] } : undefined;
}

/**
 * A host shortened for people: `details.istio-demo.svc.cluster.local` → `details.istio-demo`;
 * other hosts unchanged.
 */
export function shortHost(host: string): string {
  const k = parseKubernetesHost(host);
  return k ? `${k.name}.${k.namespace}` : host;
}
