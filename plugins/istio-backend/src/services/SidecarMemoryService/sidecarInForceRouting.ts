import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import { listNames } from '../../lib/sidecar/format';
import {
  dnsNameCovers,
  isWildcard,
  narrowerHost,
  normalizeDnsName,
  shortHost,
} from '../../lib/sidecar/hosts';
import { resolveTarget } from '../../lib/sidecar/meshIndex';
import type { AggregatedTraffic } from '../../lib/sidecar/observedTraffic';
import type { VirtualServiceRef } from '../../lib/sidecar/types';
import {
  egressImports,
  virtualServiceHosts,
  virtualServiceUsableFrom,
} from '../../lib/sidecar/visibility';
import {
  SidecarGroups,
  addHostsFix,
  destinationHost,
  sidecarLabel,
  type InForceContext,
} from './inForceContext';

/** The hosts the workloads call, each with the workloads calling it. */
interface CalledHosts {
  exact: Map<string, Set<string>>;
  /** Wildcard hosts (rare: a call to a wildcard ServiceEntry host). */
  wildcards: Map<string, Set<string>>;
}

/** A VirtualService a Sidecar in force leaves out, and the called hosts it routes. */
interface Unimported {
  vs: VirtualServiceRef;
  /** The called hosts it routes. */
  hosts: Set<string>;
  /** The egress hosts that would import it: `<its namespace>/<narrower host>`. */
  fixes: Set<string>;
}

/**
 * The hosts the workloads a Sidecar configures call: the destinations of their
 * observed traffic (matched or not), resolved as Istio names them, and the entity's
 * catalog dependencies (called by all of them).
 */
function calledHosts(
  ctx: InForceContext,
  traffic: AggregatedTraffic | undefined,
): CalledHosts {
  const { input, index } = ctx;
  const called: CalledHosts = { exact: new Map(), wildcards: new Map() };
  const add = (rawHost: string, workload: string) => {
    const host = normalizeDnsName(rawHost);
    const map = isWildcard(host) ? called.wildcards : called.exact;
    const set = map.get(host) ?? new Set<string>();
    set.add(workload);
    map.set(host, set);
  };
  for (const [destination, totals] of traffic?.byDestination ?? []) {
    const host = destinationHost(destination);
    if (!host) continue;
    const { dnsName } = resolveTarget(index, host, input.namespace);
    for (const t of totals)
      if (ctx.scopes.has(t.workload)) add(dnsName, t.workload);
  }
  for (const dep of input.catalogDependencies) {
    const service = index.servicesByName.get(`${dep.namespace}/${dep.service}`);
    const host =
      service?.host ??
      `${dep.service}.${dep.namespace}.svc.${index.clusterDomain}`;
    for (const workload of ctx.scopes.keys()) add(host, workload);
  }
  return called;
}

/** The called hosts a VirtualService host overlaps (Istio's host matching), with their callers. */
function callersOf(
  called: CalledHosts,
  vsHost: string,
): Array<[string, Set<string>]> {
  const out: Array<[string, Set<string>]> = [];
  if (isWildcard(vsHost)) {
    for (const entry of called.exact)
      if (dnsNameCovers(vsHost, entry[0])) out.push(entry);
  } else {
    const callers = called.exact.get(vsHost);
    if (callers) out.push([vsHost, callers]);
  }
  for (const entry of called.wildcards) {
    if (dnsNameCovers(vsHost, entry[0]) || dnsNameCovers(entry[0], vsHost))
      out.push(entry);
  }
  return out;
}

/**
 * `sidecar-routing-not-imported`: VirtualServices bound to sidecars and exported to
 * the namespace that route a host the workloads call, while the Sidecar in force for a
 * caller imports none of their hosts from the namespace they are defined in (istiod
 * selects a VirtualService for a proxy by that namespace), so the routing does not
 * apply to its proxies. VirtualServices of namespaces istiod does not discover are left
 * out: they configure nothing, Sidecar or not.
 */
export function unimportedRouting(
  ctx: InForceContext,
  traffic: AggregatedTraffic | undefined,
): IstioSidecarWarning[] {
  const { input, index } = ctx;
  const called = calledHosts(ctx, traffic);
  const discovered = input.discoveredNamespaces;
  const groups = new SidecarGroups<Unimported>();
  for (const vs of input.virtualServices) {
    if (!virtualServiceUsableFrom(vs, input.namespace)) continue;
    if (discovered && !discovered.includes(vs.namespace)) continue;
    const vsHosts = [...new Set(virtualServiceHosts(vs, index.clusterDomain))];
    for (const vsHost of vsHosts) {
      for (const [host, workloads] of callersOf(called, vsHost)) {
        for (const workload of workloads)
          addIfUnimported(ctx, groups, { vs, vsHosts, vsHost, host, workload });
      }
    }
  }
  return groups.warnings(
    'sidecar-routing-not-imported',
    ({ scope, detail }, workloads) =>
      `${sidecarLabel(
        scope.sidecar,
        input.rootNamespace,
      )} is in force for ${workloads} and does not import VirtualService ${
        detail.vs.namespace
      }/${detail.vs.name}, which routes ${listNames(
        [...detail.hosts].sort().map(shortHost),
      )} that they call: a Sidecar imports a VirtualService from the namespace it is defined in (${
        detail.vs.namespace
      }), so its routing (traffic splits, retries, timeouts, fault injection) does not apply to these proxies. ${addHostsFix(
        scope.sidecar,
        input.namespace,
        [...detail.fixes],
      )}`,
  );
}

/** One VirtualService host overlapping a host one workload calls. */
interface RoutedCall {
  vs: VirtualServiceRef;
  /** All its hosts, resolved in its namespace. */
  vsHosts: readonly string[];
  vsHost: string;
  /** The called host `vsHost` overlaps. */
  host: string;
  workload: string;
}

/** Notes the VirtualService for each Sidecar in force for the caller that imports none of its hosts. */
function addIfUnimported(
  ctx: InForceContext,
  groups: SidecarGroups<Unimported>,
  call: RoutedCall,
): void {
  const { vs, vsHosts, vsHost, host, workload } = call;
  for (const scope of ctx.scopes.get(workload) ?? []) {
    if (vsHosts.some(h => egressImports(scope.matcher, vs.namespace, h)))
      continue;
    const detail = groups.add(
      scope,
      `${vs.namespace}/${vs.name}`,
      workload,
      () => ({ vs, hosts: new Set(), fixes: new Set() }),
    );
    detail.hosts.add(host);
    detail.fixes.add(`${vs.namespace}/${narrowerHost(vsHost, host)}`);
  }
}
