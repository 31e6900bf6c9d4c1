// What the findings about the Sidecar in force share: the context they are computed
// from, where a called host lives in the mesh registry, how a Sidecar and its fix are
// named, and the grouping of findings by Sidecar.
import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import { describeSelector } from '../../lib/sidecar/entityScope';
import { listNames } from '../../lib/sidecar/format';
import { isExportedTo, normalizeDnsName } from '../../lib/sidecar/hosts';
import {
  resolveTarget,
  type Index,
  type Target,
} from '../../lib/sidecar/meshIndex';
import type {
  RecommendationInput,
  SidecarObject,
} from '../../lib/sidecar/types';
import type { EgressMatcher } from '../../lib/sidecar/visibility';

/** The codes of the findings about the Sidecar in force. */
export type SidecarInForceCode = Extract<
  IstioSidecarWarning['code'],
  | 'sidecar-drops-tracing-collector'
  | 'sidecar-blocks-dependency'
  | 'sidecar-routing-not-imported'
>;

/**
 * Each finding about the Sidecar in force with its severity and title, as the
 * diagnostics documentation lists them.
 */
export const SIDECAR_IN_FORCE_CODES: Record<
  SidecarInForceCode,
  { severity: 'error' | 'warning' | 'info'; title: string }
> = {
  'sidecar-drops-tracing-collector': {
    severity: 'warning',
    title: 'Sidecar in force drops the tracing collector',
  },
  'sidecar-blocks-dependency': {
    severity: 'error',
    title: 'Sidecar in force blocks a called dependency',
  },
  'sidecar-routing-not-imported': {
    severity: 'warning',
    title: 'Sidecar in force leaves out the routing of a called host',
  },
};

/** A Sidecar in force and its egress hosts, compiled for the proxies' namespace. */
export interface SidecarScope {
  sidecar: SidecarObject;
  matcher: EgressMatcher;
}

/** What the findings are computed from. */
export interface InForceContext {
  /** The namespace's facts, every unset `exportTo` holding the MeshConfig default. */
  input: RecommendationInput;
  index: Index;
  /**
   * The entity's workloads that a Sidecar configures (they run a sidecar, are not
   * gateways), each with the Sidecars in force for its pods: one, or several while
   * its pods' labels differ.
   */
  scopes: Map<string, SidecarScope[]>;
}

/**
 * Where a host lives in the mesh registry, when the namespace's proxies would receive
 * it were no Sidecar in force: a Service exported to the namespace, or a ServiceEntry
 * host exported there, in a namespace istiod discovers. Undefined otherwise (an unknown
 * host, one not exported or not discovered): a Sidecar is then not what keeps it out.
 * Short names resolve in `namespaceHint`.
 */
export function registryTarget(
  ctx: InForceContext,
  host: string,
  namespaceHint: string | undefined,
): Target | undefined {
  if (!host) return undefined;
  const { input, index } = ctx;
  const target = resolveTarget(index, host, namespaceHint);
  if (!target.known) return undefined;
  const discovered = input.discoveredNamespaces;
  if (discovered && !discovered.includes(target.namespace)) return undefined;
  if (target.serviceEntry) return target;
  const service = index.servicesByHost.get(target.dnsName);
  if (
    !service ||
    !isExportedTo(service.exportTo, service.namespace, input.namespace)
  )
    return undefined;
  return target;
}

/** `Service payments/payments-api` or `ServiceEntry partners/partner-api`. */
export function describeTarget(ctx: InForceContext, target: Target): string {
  const se = target.serviceEntry;
  if (se) return `ServiceEntry ${se.namespace}/${se.name}`;
  const service = ctx.index.servicesByHost.get(target.dnsName);
  return `Service ${target.namespace}/${service?.name ?? target.dnsName}`;
}

/** A host as Prometheus reports a destination, without a port: `''` when unknown. */
export function destinationHost(destination: string): string {
  const host = normalizeDnsName(destination.replace(/:\d+$/, ''));
  return host === 'unknown' ? '' : host;
}

/**
 * `Sidecar orders/default (the namespace's selector-less default)`, and likewise for a
 * workloadSelector or the mesh-wide default of the root namespace.
 */
export function sidecarLabel(s: SidecarObject, rootNamespace: string): string {
  let kind: string;
  if (s.workloadSelector) {
    kind = `workloadSelector ${describeSelector(s.workloadSelector)}`;
  } else if (s.namespace === rootNamespace) {
    kind = `mesh-wide default of root namespace ${rootNamespace}`;
  } else kind = "the namespace's selector-less default";
  return `Sidecar ${s.namespace}/${s.name} (${kind})`;
}

/**
 * What to change: add the egress hosts to the Sidecar; for the mesh-wide default, give
 * the namespace its own Sidecar instead (widening the default widens every namespace).
 */
export function addHostsFix(
  s: SidecarObject,
  namespace: string,
  hosts: readonly string[],
): string {
  const quoted = [...new Set(hosts)]
    .sort()
    .map(h => `"${h}"`)
    .join(', ');
  if (s.namespace !== namespace) {
    return `Fix: give namespace ${namespace} its own selector-less Sidecar with the egress hosts of ${s.namespace}/${s.name} plus ${quoted} (or add ${quoted} to ${s.namespace}/${s.name} itself, which widens every namespace it scopes).`;
  }
  return `Fix: add ${quoted} to the egress hosts of Sidecar ${s.namespace}/${s.name}.`;
}

/** One finding in the making: a Sidecar, what it misses, and the workloads concerned. */
export interface SidecarGroup<T> {
  scope: SidecarScope;
  detail: T;
  workloads: Set<string>;
}

/** Findings grouped by Sidecar and by what it misses, in the order they were found. */
export class SidecarGroups<T> {
  private readonly groups = new Map<string, SidecarGroup<T>>();

  /** The group of `scope` for `key` (made with `detail` the first time), with `workload` added. */
  add(scope: SidecarScope, key: string, workload: string, detail: () => T): T {
    const { namespace, name } = scope.sidecar;
    const id = `${namespace}/${name}\u0000${key}`;
    let group = this.groups.get(id);
    if (!group) {
      group = { scope, detail: detail(), workloads: new Set() };
      this.groups.set(id, group);
    }
    group.workloads.add(workload);
    return group.detail;
  }

  /** One warning per group, `workload` set when the group has a single one. */
  warnings(
    code: SidecarInForceCode,
    message: (group: SidecarGroup<T>, workloads: string) => string,
  ): IstioSidecarWarning[] {
    return [...this.groups.values()].map(group => {
      const workloads = [...group.workloads].sort();
      return {
        code,
        ...(workloads.length === 1 ? { workload: workloads[0] } : {}),
        message: message(group, listNames(workloads)),
      };
    });
  }
}
