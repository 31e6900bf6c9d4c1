import type { RecommendationInput } from './types';
import {
  coveringWildcards,
  dnsNameCovers,
  isExportedTo,
  isWildcard,
  narrowerHost,
  normalizeDnsName,
} from './hosts';
import { virtualServiceHosts, virtualServiceUsableFrom } from './visibility';
import { listNames } from './format';
import {
  entryWorkloads,
  type HostCollector,
  type HostEntry,
} from './hostCollector';
import type { Index } from './meshIndex';

/** A VirtualService or ServiceEntry host that a proxy of the namespace can use. */
interface RoutingObject {
  kind: 'virtual-service' | 'service-entry';
  namespace: string;
  name: string;
  /** Resolved and lower-cased; may be a wildcard. */
  host: string;
}

/** Routing objects by host: exact names, and wildcards (`*` included). */
interface RoutingIndex {
  exact: Map<string, RoutingObject[]>;
  wildcards: Map<string, RoutingObject[]>;
}

/**
 * The VirtualServices (bound to sidecars) and ServiceEntries exported to the
 * recommendation's namespace, indexed by host. Objects not exported there are left
 * out: they could not configure its proxies, Sidecar or not.
 */
function buildRoutingIndex(
  input: RecommendationInput,
  clusterDomain: string,
): RoutingIndex {
  const index: RoutingIndex = { exact: new Map(), wildcards: new Map() };
  const add = (o: RoutingObject) => {
    const map = isWildcard(o.host) ? index.wildcards : index.exact;
    const list = map.get(o.host);
    if (list) list.push(o);
    else map.set(o.host, [o]);
  };
  for (const vs of input.virtualServices) {
    if (!virtualServiceUsableFrom(vs, input.namespace)) continue;
    for (const host of new Set(virtualServiceHosts(vs, clusterDomain))) {
      add({ kind: 'virtual-service', ...nameOf(vs), host });
    }
  }
  for (const se of input.serviceEntries) {
    if (!isExportedTo(se.exportTo, se.namespace, input.namespace)) continue;
    for (const raw of new Set(se.hosts.map(normalizeDnsName))) {
      add({ kind: 'service-entry', ...nameOf(se), host: raw });
    }
  }
  return index;
}

function nameOf(o: { namespace: string; name: string }) {
  return { namespace: o.namespace, name: o.name };
}

/**
 * The routing objects whose host overlaps `dnsName` by Istio's host matching: the same
 * name, a wildcard covering it, or — for a wildcard `dnsName` — any host it covers.
 */
function overlapping(index: RoutingIndex, dnsName: string): RoutingObject[] {
  const out: RoutingObject[] = [];
  if (!isWildcard(dnsName)) out.push(...(index.exact.get(dnsName) ?? []));
  for (const pattern of coveringWildcards(dnsName)) {
    out.push(...(index.wildcards.get(pattern) ?? []));
  }
  if (isWildcard(dnsName)) {
    for (const map of [index.exact, index.wildcards]) {
      for (const [host, list] of map) {
        if (dnsNameCovers(dnsName, host)) out.push(...list);
      }
    }
  }
  return out;
}

/**
 * Keeps what routes the hosts the proxies keep. With Sidecar egress, istiod imports
 * VirtualServices and ServiceEntries by the namespace they are *defined* in: a canary
 * split for `reviews` defined in `routing` applies only with `routing/<reviews host>`
 * among the hosts. So for every kept host — and every Service of a namespace kept
 * whole — each VirtualService (bound to sidecars) and ServiceEntry exported to the
 * namespace whose host overlaps it adds `<its namespace>/<the narrower of the two
 * hosts>`, with a reason naming it, for the workloads that keep the host. Hosts are
 * matched as istiod does: dot-less short names resolve in the object's namespace,
 * wildcards cover names at any depth. VirtualServices of the own namespace come with
 * `./*` and are noted on it. DestinationRules are never a reason (see
 * `destinationRuleWarnings`).
 */
export function addRoutingObjects(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): void {
  noteOwnVirtualServices(input, hosts);
  const routing = buildRoutingIndex(input, index.clusterDomain);
  if (routing.exact.size === 0 && routing.wildcards.size === 0) return;
  const entries = [...hosts.entries.values()];
  const own = input.namespace;
  const namespaceOf = (e: HostEntry) =>
    e.namespace === '.' ? own : e.namespace;
  const whole = new Map<string, HostEntry>();
  for (const entry of entries) {
    // `*/…` imports from every namespace already.
    if (entry.namespace === '*') continue;
    if (entry.dnsName === '*') {
      whole.set(namespaceOf(entry), entry);
      continue;
    }
    for (const o of overlapping(routing, entry.dnsName)) {
      if (o.namespace === namespaceOf(entry)) continue;
      addObject(hosts, entry, o, entry.dnsName);
    }
  }
  if (whole.size === 0) return;
  for (const s of input.services) {
    const entry = whole.get(s.namespace);
    if (!entry || !isExportedTo(s.exportTo, s.namespace, own)) continue;
    const host = normalizeDnsName(s.host);
    for (const o of overlapping(routing, host)) {
      if (o.namespace !== s.namespace) addObject(hosts, entry, o, host);
    }
  }
}

/** Adds `<object ns>/<narrower host>` for the workloads keeping `entry`. */
function addObject(
  hosts: HostCollector,
  entry: HostEntry,
  o: RoutingObject,
  keptHost: string,
): void {
  const dnsName = narrowerHost(o.host, keptHost);
  const detail =
    o.kind === 'virtual-service'
      ? `VirtualService ${o.namespace}/${o.name} routes ${keptHost}; it applies only when imported from ${o.namespace}`
      : `ServiceEntry ${o.namespace}/${o.name} declares ${o.host}`;
  const target = hosts.entry(o.namespace, dnsName);
  const workloads = entryWorkloads(entry);
  if (workloads === 'all') {
    hosts.addTo(target, o.kind, detail, undefined);
    return;
  }
  for (const w of workloads) hosts.addTo(target, o.kind, detail, w);
}

/** VirtualServices of the own namespace the proxies use: they come with `./*`. */
function noteOwnVirtualServices(
  input: RecommendationInput,
  hosts: HostCollector,
): void {
  const own = input.virtualServices
    .filter(
      vs =>
        vs.namespace === input.namespace &&
        virtualServiceUsableFrom(vs, input.namespace),
    )
    .map(vs => vs.name)
    .sort();
  if (own.length === 0) return;
  hosts.add(
    '.',
    '*',
    'virtual-service',
    `VirtualService${own.length > 1 ? 's' : ''} ${listNames(own)} in ${
      input.namespace
    } (imported from their own namespace)`,
  );
}
