import type { IstioEgressHost } from '@istio-backstage/plugin-istio-common';
import { coveringWildcards, normalizeDnsName } from './hosts';
import { plural } from './format';

/** Why an egress host is in a recommendation. */
export type ReasonKind = IstioEgressHost['reasons'][number]['kind'];

/** Order of reasons inside a host, and of their comment lines. */
export const KIND_ORDER: readonly ReasonKind[] = [
  'own-namespace',
  'control-plane',
  'tracing-collector',
  'requested',
  'catalog-dependency',
  'observed-traffic',
  'service-entry',
  'virtual-service',
];

const KIND_RANK = new Map(KIND_ORDER.map((k, i) => [k, i]));

/** Reason details shown per kind in a YAML comment before "and N more". */
const COMMENT_DETAILS_PER_KIND = 3;

/** A reason exactly as the response carries it. */
export type EgressReason = IstioEgressHost['reasons'][number];

/**
 * Which entity workloads a reason concerns: one, several (may repeat), or `null` for
 * all. Kept beside the reasons rather than in them: there can be 100k reasons (one per
 * observed source→destination pair), and reusing them as response objects as they are
 * avoids copying them all.
 */
export type ReasonScope = string | string[] | null;

/** An egress host being collected. */
export interface HostEntry {
  /** `.` for the own namespace, else a namespace or `*`. */
  namespace: string;
  dnsName: string;
  reasons: EgressReason[];
  /** `scopes[i]` is the scope of `reasons[i]`. */
  scopes: ReasonScope[];
  /** Positions of mergeable reasons by kind and detail. */
  keyed: Map<string, number>;
}

/**
 * Entity workloads that need a host: `all` when one of its reasons is entity-wide.
 * Derived from the reason scopes on demand rather than tracked per added reason.
 */
export function entryWorkloads(entry: HostEntry): Set<string> | 'all' {
  const out = new Set<string>();
  for (const scope of entry.scopes) {
    if (scope === null) return 'all';
    if (typeof scope === 'string') out.add(scope);
    else for (const w of scope) out.add(w);
  }
  return out;
}

function mergeScopes(a: ReasonScope, b: ReasonScope): ReasonScope {
  if (a === null || b === null) return null;
  const list = typeof a === 'string' ? [a] : a;
  if (typeof b === 'string') list.push(b);
  else for (const w of b) list.push(w);
  return list;
}

/**
 * Adds a reason to an entry, taking ownership of it. Observed traffic is never merged:
 * there is one reason per source and destination by construction, and skipping the key
 * matters at 100k reasons. Other kinds merge with an identical reason (their scopes join).
 */
function addReason(
  entry: HostEntry,
  reason: EgressReason,
  scope: ReasonScope,
): void {
  if (reason.kind !== 'observed-traffic') {
    const key = `${reason.kind}\u0000${reason.detail}`;
    const at = entry.keyed.get(key);
    if (at !== undefined) {
      entry.scopes[at] = mergeScopes(entry.scopes[at], scope);
      return;
    }
    entry.keyed.set(key, entry.reasons.length);
  }
  entry.reasons.push(reason);
  entry.scopes.push(scope);
}

/** `./*` first, then control plane namespaces, the tracing collector, then the rest. */
function rank(entry: HostEntry): number {
  if (entry.namespace === '.' && entry.dnsName === '*') return 0;
  let best = 3;
  for (const r of entry.reasons) {
    if (r.kind === 'control-plane') return 1;
    if (r.kind === 'tracing-collector') best = 2;
  }
  return best;
}

/** `namespace/dnsName` of an entry. */
export function hostString(entry: HostEntry): string {
  return `${entry.namespace}/${entry.dnsName}`;
}

/**
 * Collects egress hosts with their reasons. Hosts of the own namespace are kept as `./x`,
 * so they fold into `./*`.
 */
export class HostCollector {
  readonly entries = new Map<string, HostEntry>();

  constructor(private readonly ownNamespace: string) {}

  /** The entry for `namespace/dnsName`, created when new. */
  entry(namespace: string, dnsName: string): HostEntry {
    const ns = namespace === this.ownNamespace ? '.' : namespace;
    const dns = normalizeDnsName(dnsName);
    const key = `${ns}/${dns}`;
    let entry = this.entries.get(key);
    if (!entry) {
      entry = {
        namespace: ns,
        dnsName: dns,
        reasons: [],
        scopes: [],
        keyed: new Map(),
      };
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Adds a reason for a host. `workload` undefined means every entity workload needs it.
   */
  add(
    namespace: string,
    dnsName: string,
    kind: ReasonKind,
    detail: string,
    workload?: string,
  ): void {
    this.addTo(this.entry(namespace, dnsName), kind, detail, workload);
  }

  /** Adds a reason to an entry (see {@link HostCollector.add}). */
  addTo(
    entry: HostEntry,
    kind: ReasonKind,
    detail: string,
    workload: string | undefined,
  ): void {
    addReason(entry, { kind, detail }, workload ?? null);
  }

  /**
   * Folds every host into the broadest other host that covers it (`ns/*` covers `ns/x`,
   * `*` namespaces cover every namespace, `ns/*.example.com` covers `ns/a.example.com`),
   * merging their reasons. Candidates are tried broadest first, so the first one
   * present is itself uncovered and no chain of folds is needed.
   */
  foldCovered(): void {
    for (const [key, entry] of this.entries) {
      const target = this.coverer(key, entry);
      if (!target) continue;
      // Moved, not copied: the folded entry is dropped.
      entry.reasons.forEach((reason, i) =>
        addReason(target, reason, entry.scopes[i]),
      );
      this.entries.delete(key);
    }
  }

  private coverer(key: string, entry: HostEntry): HostEntry | undefined {
    const candidates: string[] = [];
    for (const pattern of coveringWildcards(entry.dnsName)) {
      candidates.push(`*/${pattern}`, `${entry.namespace}/${pattern}`);
    }
    candidates.push(`*/${entry.dnsName}`);
    for (const candidate of candidates) {
      if (candidate === key) continue;
      const found = this.entries.get(candidate);
      if (found) return found;
    }
    return undefined;
  }

  /** Entries in recommendation order: `./*`, control plane, tracing, then by host. */
  sorted(): HostEntry[] {
    return [...this.entries.values()]
      .map(entry => ({ entry, rank: rank(entry), host: hostString(entry) }))
      .sort((a, b) => {
        if (a.rank !== b.rank) return a.rank - b.rank;
        if (a.host === b.host) return 0;
        return a.host < b.host ? -1 : 1;
      })
      .map(x => x.entry);
  }
}

/** A final host with its reasons in order, indexed by workload on demand. */
export interface PreparedHost {
  host: string;
  entry: HostEntry;
  /** By kind (see {@link KIND_ORDER}), then insertion order. */
  reasons: EgressReason[];
  scopes: ReasonScope[];
  /** Positions in `reasons` of entity-wide reasons, and per workload (built lazily). */
  index?: { everyone: number[]; perWorkload: Map<string, number[]> };
}

/** Orders an entry's reasons by kind: bucketed, so linear even for 100k reasons. */
export function prepareHost(entry: HostEntry): PreparedHost {
  const buckets: number[][] = KIND_ORDER.map(() => []);
  entry.reasons.forEach((r, i) => buckets[KIND_RANK.get(r.kind) ?? 0].push(i));
  const order = buckets.flat();
  return {
    host: hostString(entry),
    entry,
    reasons: order.map(i => entry.reasons[i]),
    scopes: order.map(i => entry.scopes[i]),
  };
}

/** The reasons of a host that concern a group of workloads, in order. */
export function reasonsFor(
  p: PreparedHost,
  workloads: ReadonlySet<string>,
): EgressReason[] {
  if (!p.index) {
    const everyone: number[] = [];
    const perWorkload = new Map<string, number[]>();
    // Lists stay strictly increasing: a scope repeating a workload adds it once.
    const note = (w: string, i: number) => {
      const list = perWorkload.get(w);
      if (!list) perWorkload.set(w, [i]);
      else if (list[list.length - 1] !== i) list.push(i);
    };
    p.scopes.forEach((scope, i) => {
      if (scope === null) everyone.push(i);
      else if (typeof scope === 'string') note(scope, i);
      else for (const w of scope) note(w, i);
    });
    p.index = { everyone, perWorkload };
  }
  const { everyone, perWorkload } = p.index;
  if (workloads.size === 1) {
    // The common case (one Sidecar per workload): merge two disjoint sorted lists.
    const [only] = workloads;
    const own = perWorkload.get(only) ?? [];
    if (own.length === 0 && everyone.length === p.reasons.length) {
      return p.reasons;
    }
    const out: EgressReason[] = [];
    let a = 0;
    let b = 0;
    while (a < everyone.length || b < own.length) {
      if (b >= own.length || (a < everyone.length && everyone[a] < own[b])) {
        out.push(p.reasons[everyone[a++]]);
      } else out.push(p.reasons[own[b++]]);
    }
    return out;
  }
  const positions = new Set(everyone);
  for (const w of workloads) {
    for (const i of perWorkload.get(w) ?? []) positions.add(i);
  }
  return [...positions].sort((a, b) => a - b).map(i => p.reasons[i]);
}

/** Comment lines for a host: one per reason kind, its first details and a count. */
export function commentLines(reasons: readonly EgressReason[]): string[] {
  const byKind = new Map<ReasonKind, { shown: string[]; total: number }>();
  for (const r of reasons) {
    let group = byKind.get(r.kind);
    if (!group) {
      group = { shown: [], total: 0 };
      byKind.set(r.kind, group);
    }
    group.total++;
    if (group.shown.length < COMMENT_DETAILS_PER_KIND)
      group.shown.push(r.detail);
  }
  return [...byKind].map(([kind, { shown, total }]) => {
    const more = total - shown.length;
    return more > 0
      ? `${kind}: ${shown.join('; ')}; and ${plural(more, 'more')}`
      : `${kind}: ${shown.join('; ')}`;
  });
}
