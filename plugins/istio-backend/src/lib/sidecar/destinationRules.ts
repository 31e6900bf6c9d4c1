import type { IstioSidecarWarning } from '@istio-backstage/plugin-istio-common';
import type { DestinationRuleRef, RecommendationInput } from './types';
import { dnsNameCovers, isExportedTo, resolveConfigHost } from './hosts';
import { listNames } from './format';
import { entryWorkloads, type HostCollector } from './hostCollector';
import type { Index } from './meshIndex';

/** Why a DestinationRule cannot apply to the recommendation's workloads. */
type Verdict = 'elsewhere' | 'not-exported' | undefined;

/** A DestinationRule that never applies, with the called hosts it was meant for. */
interface Finding {
  rule: DestinationRuleRef;
  host: string;
  verdict: Exclude<Verdict, undefined>;
  calledHosts: Set<string>;
  serviceNamespaces: Set<string>;
  workloads: Set<string> | 'all';
}

/**
 * Where istiod can find a DestinationRule for a proxy of namespace `client` calling a
 * service of `serviceNamespaces`: the client's namespace, then the service's, then the
 * root namespace — whatever the proxy's Sidecar imports. One in the client's namespace
 * applies (unless exported nowhere but elsewhere); one in the service's or the root
 * namespace applies when exported to the client; one with a `workloadSelector` only in
 * its own namespace; any other never applies.
 */
function verdictOf(
  rule: DestinationRuleRef,
  client: string,
  serviceNamespaces: ReadonlySet<string>,
  rootNamespace: string,
): Verdict {
  const ns = rule.namespace;
  if (ns === client) return undefined;
  if (rule.workloadSelector) return 'elsewhere';
  if (!serviceNamespaces.has(ns) && ns !== rootNamespace) return 'elsewhere';
  return isExportedTo(rule.exportTo ?? ['*'], ns, client)
    ? undefined
    : 'not-exported';
}

/** The namespaces of the registry entries (Services, ServiceEntries) named `host`. */
function serviceNamespacesOf(index: Index, host: string): Set<string> {
  const out = new Set<string>();
  const svc = index.servicesByHost.get(host);
  if (svc) out.add(svc.namespace);
  for (const se of index.serviceEntryHosts.get(host) ?? [])
    out.add(se.namespace);
  return out;
}

/**
 * Warnings for DestinationRules of called hosts that can never apply to these
 * workloads (see {@link verdictOf}). DestinationRules are not selected by a Sidecar's
 * hosts, so none ever adds a namespace to the recommendation: importing the namespace
 * of such a rule would be a no-op with a false reason. `hosts` holds the hosts called
 * so far (observed traffic, catalog dependencies, requested hosts, the tracing
 * collector); `exportTo` must already hold the MeshConfig default when unset.
 */
export function destinationRuleWarnings(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): IstioSidecarWarning[] {
  const rules = (input.destinationRules ?? []).map(rule => ({
    rule,
    host: resolveConfigHost(rule.host, rule.namespace, index.clusterDomain),
  }));
  if (rules.length === 0) return [];
  const findings = new Map<DestinationRuleRef, Finding>();
  for (const entry of hosts.entries.values()) {
    if (entry.dnsName === '*') continue;
    const serviceNamespaces = serviceNamespacesOf(index, entry.dnsName);
    if (serviceNamespaces.size === 0) continue;
    for (const { rule, host } of rules) {
      if (!dnsNameCovers(host, entry.dnsName)) continue;
      const verdict = verdictOf(
        rule,
        input.namespace,
        serviceNamespaces,
        input.rootNamespace,
      );
      if (!verdict) continue;
      let finding = findings.get(rule);
      if (!finding) {
        finding = {
          rule,
          host,
          verdict,
          calledHosts: new Set(),
          serviceNamespaces: new Set(),
          workloads: new Set(),
        };
        findings.set(rule, finding);
      }
      finding.calledHosts.add(entry.dnsName);
      serviceNamespaces.forEach(ns => finding!.serviceNamespaces.add(ns));
      finding.workloads = joinWorkloads(
        finding.workloads,
        entryWorkloads(entry),
      );
    }
  }
  return [...findings.values()]
    .sort((a, b) => key(a.rule).localeCompare(key(b.rule)))
    .map(f => toWarning(f, input));
}

/** `a`, `a or b`, `a, b or c`. */
function orList(names: readonly string[]): string {
  return names.length < 2
    ? names.join('')
    : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
}

function key(rule: DestinationRuleRef): string {
  return `${rule.namespace}/${rule.name}`;
}

function joinWorkloads(
  a: Set<string> | 'all',
  b: Set<string> | 'all',
): Set<string> | 'all' {
  if (a === 'all' || b === 'all') return 'all';
  b.forEach(w => a.add(w));
  return a;
}

/** The `destination-rule-never-applies` warning for one rule. */
function toWarning(
  f: Finding,
  input: RecommendationInput,
): IstioSidecarWarning {
  const { rule } = f;
  const client = input.namespace;
  const services = [...f.serviceNamespaces].sort();
  const called = listNames([...f.calledHosts].sort());
  const workloads = f.workloads === 'all' ? [] : [...f.workloads].sort();
  const who = workloads.length > 0 ? listNames(workloads) : 'these workloads';
  let why: string;
  if (f.verdict === 'not-exported') {
    why = `it is not exported to ${client} (exportTo: ${(
      rule.exportTo ?? []
    ).join(', ')})`;
  } else if (rule.workloadSelector) {
    why = `it has a workloadSelector, so it applies only to workloads of ${rule.namespace}`;
  } else {
    why = `istiod looks a service's DestinationRule up only in the client's namespace (${client}), the service's (${listNames(
      services,
    )}) and the root namespace (${
      input.rootNamespace
    }), whatever a Sidecar imports`;
  }
  return {
    code: 'destination-rule-never-applies',
    ...(workloads.length === 1 ? { workload: workloads[0] } : {}),
    message: `DestinationRule ${key(rule)} (host ${
      f.host
    }) never applies to ${who} calling ${called}: ${why}. The recommendation adds no host for it; move it to ${orList(
      [...new Set([client, ...services, input.rootNamespace])],
    )} (exported to ${client}) if its traffic policy is meant for these calls.`,
  };
}
