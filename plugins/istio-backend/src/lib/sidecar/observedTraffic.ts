import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import type { ObservedEdge } from './types';
import { normalizeDnsName, shortHost } from './hosts';
import { listNames, plural } from './format';
import type { HostCollector, HostEntry } from './hostCollector';
import {
  findServiceEntry,
  resolveTarget,
  type Index,
  type ServiceEntryRef,
  type Target,
} from './meshIndex';

/** Calls from one source workload to one destination, summed over the window. */
export interface EdgeTotal {
  workload: string;
  destinationNamespace: string;
  /** `PassthroughCluster` / `BlackHoleCluster` when no service matched. */
  unmatched: string | undefined;
  requests: number;
  connections: number;
  /** Another total for the same pair with a different namespace or unmatched flag. */
  next: EdgeTotal | undefined;
}

/** Observed edges of the entity, summed per destination and source workload. */
export interface AggregatedTraffic {
  /** Raw `destination_service` → its totals, one per source workload (plus variants). */
  byDestination: Map<string, EdgeTotal[]>;
  /** Workloads with at least one outbound edge, matched or not. */
  active: Set<string>;
}

/**
 * Sums the edges whose source is one of `workloads` in `namespace`. Pairs are keyed by
 * small integers (destination id × workloads + workload id) rather than concatenated
 * strings: on 100k edges, building and hashing those keys dominated the run time.
 */
export function aggregateEdges(
  edges: readonly ObservedEdge[],
  namespace: string,
  workloads: ReadonlySet<string>,
): AggregatedTraffic {
  const workloadIds = new Map<string, number>();
  for (const w of workloads) workloadIds.set(w, workloadIds.size);
  const width = Math.max(1, workloadIds.size);
  const destinationIds = new Map<string, number>();
  const perDestination: EdgeTotal[][] = [];
  const pairs = new Map<number, EdgeTotal>();
  const seen = new Uint8Array(width);
  for (const e of edges) {
    const workloadId = workloadIds.get(e.sourceWorkload);
    if (workloadId === undefined || e.sourceNamespace !== namespace) continue;
    seen[workloadId] = 1;
    let destinationId = destinationIds.get(e.destinationService);
    if (destinationId === undefined) {
      destinationId = perDestination.length;
      destinationIds.set(e.destinationService, destinationId);
      perDestination.push([]);
    }
    const name = e.destinationServiceName;
    const unmatched =
      name === 'PassthroughCluster' || name === 'BlackHoleCluster'
        ? name
        : undefined;
    const key = destinationId * width + workloadId;
    let total = pairs.get(key);
    while (
      total &&
      (total.destinationNamespace !== e.destinationNamespace ||
        total.unmatched !== unmatched)
    ) {
      total = total.next;
    }
    if (!total) {
      total = {
        workload: e.sourceWorkload,
        destinationNamespace: e.destinationNamespace,
        unmatched,
        requests: 0,
        connections: 0,
        next: pairs.get(key),
      };
      pairs.set(key, total);
      perDestination[destinationId].push(total);
    }
    if (e.protocol === 'tcp') total.connections += e.count;
    else total.requests += e.count;
  }
  const active = new Set<string>();
  for (const [w, id] of workloadIds) if (seen[id]) active.add(w);
  const byDestination = new Map<string, EdgeTotal[]>();
  for (const [destination, id] of destinationIds) {
    byDestination.set(destination, perDestination[id]);
  }
  return { byDestination, active };
}

/** `12,345 requests, 3 connections in 7d`. */
export function trafficText(t: EdgeTotal, windowDays: number): string {
  if (t.connections === 0) {
    return `${plural(t.requests, 'request')} in ${windowDays}d`;
  }
  if (t.requests === 0) {
    return `${plural(t.connections, 'connection')} in ${windowDays}d`;
  }
  return `${plural(t.requests, 'request')}, ${plural(
    t.connections,
    'connection',
  )} in ${windowDays}d`;
}

/** Traffic to one destination that no mesh service matched. */
interface Unmatched {
  /** `PassthroughCluster` / `BlackHoleCluster`. */
  via: Set<string>;
  /** Source workload → its totals. */
  sources: Map<string, EdgeTotal[]>;
}

/** Unmatched traffic by destination host (`''` when unknown). */
type UnmatchedTraffic = Map<string, Unmatched>;

/**
 * Adds observed destinations as egress hosts: a Kubernetes Service as
 * `<its namespace>/<FQDN>`, a ServiceEntry host as `<se-ns>/<se host>` (with a
 * `service-entry` reason), anything else as `<destination_service_namespace>/<host>`
 * (`*` when Istio reports `unknown`). Unmatched traffic (Passthrough/BlackHole) gives one
 * `unmatched-traffic` warning per destination; when that destination is a known Service
 * or ServiceEntry host it is a missed dependency and is added too.
 */
export function addObservedTraffic(
  traffic: AggregatedTraffic,
  index: Index,
  hosts: HostCollector,
  windowDays: number,
  warnings: IstioSidecarWarning[],
): void {
  const unmatched: UnmatchedTraffic = new Map();
  for (const [destination, totals] of traffic.byDestination) {
    addDestination(destination, totals, index, hosts, windowDays, unmatched);
  }
  for (const name of [...unmatched.keys()].sort()) {
    const u = unmatched.get(name)!;
    const target = name ? resolveTarget(index, name, undefined) : undefined;
    if (target?.known)
      addMissedDependency(target, u.sources, hosts, windowDays);
    const hidden =
      name && !target?.known ? findServiceEntry(index, name, true) : undefined;
    warnings.push(unmatchedWarning(name, u, target, windowDays, hidden));
  }
}

/**
 * Adds one destination's matched traffic, per source workload, and sets its unmatched
 * traffic aside in `unmatched`.
 */
function addDestination(
  destination: string,
  totals: readonly EdgeTotal[],
  index: Index,
  hosts: HostCollector,
  windowDays: number,
  unmatched: UnmatchedTraffic,
): void {
  const host = normalizeDnsName(destination);
  const svc = index.servicesByHost.get(host);
  const se = svc ? undefined : findServiceEntry(index, host);
  const short = shortHost(host);
  const entries = new Map<string, HostEntry>();
  const entryFor = (destinationNamespace: string): HostEntry => {
    let ns = svc?.namespace ?? se?.namespace ?? destinationNamespace;
    if (!ns || ns === 'unknown') ns = '*';
    let entry = entries.get(ns);
    if (!entry) {
      entry = hosts.entry(ns, se ? se.host : host);
      entries.set(ns, entry);
    }
    return entry;
  };
  const seDetail = se
    ? `ServiceEntry ${se.namespace}/${se.name} declares ${se.host}`
    : '';
  for (const t of totals) {
    const workload = t.workload;
    if (t.unmatched) {
      const name = host && host !== 'unknown' ? host : '';
      let u = unmatched.get(name);
      if (!u) {
        u = { via: new Set(), sources: new Map() };
        unmatched.set(name, u);
      }
      u.via.add(t.unmatched);
      u.sources.set(workload, [...(u.sources.get(workload) ?? []), t]);
      continue;
    }
    const entry = entryFor(t.destinationNamespace);
    hosts.addTo(
      entry,
      'observed-traffic',
      `${workload} → ${short} (${trafficText(t, windowDays)})`,
      workload,
    );
    if (se) hosts.addTo(entry, 'service-entry', seDetail, workload);
  }
}

/** Unmatched traffic to a known Service or ServiceEntry host: a dependency its proxy missed. */
function addMissedDependency(
  target: Target,
  sources: ReadonlyMap<string, EdgeTotal[]>,
  hosts: HostCollector,
  windowDays: number,
): void {
  const entry = hosts.entry(target.namespace, target.dnsName);
  for (const [workload, totals] of sources) {
    for (const t of totals) {
      hosts.addTo(
        entry,
        'observed-traffic',
        `${workload} → ${shortHost(target.dnsName)} through ${
          t.unmatched
        } (${trafficText(
          t,
          windowDays,
        )}): a dependency its proxy did not route as a mesh service`,
        workload,
      );
    }
    if (target.serviceEntry) {
      const s = target.serviceEntry;
      hosts.addTo(
        entry,
        'service-entry',
        `ServiceEntry ${s.namespace}/${s.name} declares ${s.host}`,
        workload,
      );
    }
  }
}

/**
 * The `unmatched-traffic` warning for one destination, with what to do about it.
 * `hidden` is a ServiceEntry declaring it that is not exported to the namespace: it is
 * no reason to keep anything, since the proxies could not use it.
 */
function unmatchedWarning(
  name: string,
  u: Unmatched,
  target: Target | undefined,
  windowDays: number,
  hidden: ServiceEntryRef | undefined,
): IstioSidecarWarning {
  const via = [...u.via].sort().join('/');
  const sources = [...u.sources.keys()].sort();
  let fix: string;
  if (target?.known) {
    fix = `${target.namespace}/${target.dnsName} is a known ${
      target.serviceEntry ? 'ServiceEntry host' : 'Service'
    }, so the recommendation includes it (a missed dependency)`;
  } else if (hidden) {
    fix = `ServiceEntry ${hidden.namespace}/${hidden.name} declares ${hidden.host} but is not exported to this namespace, so the proxies cannot use it and the recommendation does not keep it: export it here if this call is intended`;
  } else {
    fix =
      'it is not a Service or ServiceEntry host of the mesh: declare a ServiceEntry if this destination is intended, then add it as an extra host';
  }
  return {
    code: 'unmatched-traffic',
    ...(sources.length === 1 ? { workload: sources[0] } : {}),
    message: `${listNames(sources)} sent traffic to ${
      name || 'an unknown destination'
    } through ${via} in the last ${windowDays}d (unmatched: no routing or mTLS policy applies, and under REGISTRY_ONLY it fails); ${fix}.`,
  };
}
