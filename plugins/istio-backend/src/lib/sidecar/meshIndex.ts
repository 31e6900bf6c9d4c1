import type { MeshServiceInfo, RecommendationInput } from './types';
import {
  DEFAULT_CLUSTER_DOMAIN,
  coveringWildcards,
  exportToOrDefault,
  isExportedTo,
  normalizeDnsName,
  parseKubernetesHost,
} from './hosts';

/**
 * The input with every unset `exportTo` replaced by the MeshConfig default istiod uses
 * for it (`defaultServiceExportTo` for Services and ServiceEntries, and the
 * VirtualService and DestinationRule defaults), `*` when unknown. Objects that set
 * their own are passed through as they are.
 */
export function withExportDefaults(
  input: RecommendationInput,
): RecommendationInput {
  const defaults = input.exportToDefaults ?? {};
  const fill = <T extends { exportTo?: string[] }>(
    items: readonly T[],
    meshDefault: readonly string[] | undefined,
  ): T[] =>
    items.map(item =>
      item.exportTo && item.exportTo.length > 0
        ? item
        : { ...item, exportTo: [...exportToOrDefault(undefined, meshDefault)] },
    );
  return {
    ...input,
    services: fill(input.services, defaults.service),
    serviceEntries: fill(input.serviceEntries, defaults.service),
    virtualServices: fill(input.virtualServices, defaults.virtualService),
    destinationRules: fill(
      input.destinationRules ?? [],
      defaults.destinationRule,
    ),
  };
}

/** A ServiceEntry host exported to the recommendation's namespace. */
export interface ServiceEntryRef {
  namespace: string;
  name: string;
  /** The host as the ServiceEntry declares it (lower-case; may be a wildcard). */
  host: string;
}

/** Look-ups built once per call so nothing scans the whole mesh per edge. */
export interface Index {
  clusterDomain: string;
  /** Kubernetes Services by lower-case host. */
  servicesByHost: Map<string, MeshServiceInfo>;
  /** Kubernetes Services by `namespace/name`. */
  servicesByName: Map<string, MeshServiceInfo>;
  /** ServiceEntry hosts (wildcards included) → entries, exported to our namespace. */
  serviceEntryHosts: Map<string, ServiceEntryRef[]>;
  /** ServiceEntry hosts → entries *not* exported to our namespace (never kept). */
  hiddenServiceEntryHosts: Map<string, ServiceEntryRef[]>;
}

/**
 * Indexes the mesh for one recommendation. The cluster domain is read from the Services'
 * own FQDNs (`cluster.local` when none has one). ServiceEntries not exported to the
 * namespace are left out: its proxies could not use them anyway.
 */
export function buildIndex(input: RecommendationInput): Index {
  let clusterDomain: string | undefined;
  const servicesByHost = new Map<string, MeshServiceInfo>();
  const servicesByName = new Map<string, MeshServiceInfo>();
  for (const s of input.services) {
    if (s.serviceEntry) continue;
    const host = normalizeDnsName(s.host);
    if (!servicesByHost.has(host)) servicesByHost.set(host, s);
    servicesByName.set(`${s.namespace}/${s.name}`, s);
    clusterDomain ??= parseKubernetesHost(host)?.domain;
  }
  const serviceEntryHosts: Index['serviceEntryHosts'] = new Map();
  const entries = [...input.serviceEntries].sort((a, b) => {
    // Own namespace first (istiod prefers it for duplicate hosts), then by name.
    const ownA = a.namespace === input.namespace ? 0 : 1;
    const ownB = b.namespace === input.namespace ? 0 : 1;
    if (ownA !== ownB) return ownA - ownB;
    const ka = `${a.namespace}/${a.name}`;
    const kb = `${b.namespace}/${b.name}`;
    if (ka === kb) return 0;
    return ka < kb ? -1 : 1;
  });
  const hiddenServiceEntryHosts: Index['serviceEntryHosts'] = new Map();
  for (const se of entries) {
    const exported = isExportedTo(se.exportTo, se.namespace, input.namespace);
    const map = exported ? serviceEntryHosts : hiddenServiceEntryHosts;
    for (const raw of se.hosts) {
      const host = normalizeDnsName(raw);
      const list = map.get(host) ?? [];
      list.push({ namespace: se.namespace, name: se.name, host });
      map.set(host, list);
    }
  }
  return {
    clusterDomain: clusterDomain ?? DEFAULT_CLUSTER_DOMAIN,
    servicesByHost,
    servicesByName,
    serviceEntryHosts,
    hiddenServiceEntryHosts,
  };
}

/**
 * The ServiceEntry exported to the namespace declaring `host` (exactly, else through a
 * wildcard host); with `hidden`, one declaring it that is *not* exported there.
 */
export function findServiceEntry(
  index: Index,
  host: string,
  hidden = false,
): ServiceEntryRef | undefined {
  const hosts = hidden
    ? index.hiddenServiceEntryHosts
    : index.serviceEntryHosts;
  const exact = hosts.get(host);
  if (exact) return exact[0];
  // Most specific wildcard first, as Envoy matches the longest suffix.
  const patterns = coveringWildcards(host).reverse();
  for (const pattern of patterns) {
    const found = hosts.get(pattern);
    if (found) return found[0];
  }
  return undefined;
}

/** Where a destination named by a host lives, for an egress host `ns/dnsName`. */
export interface Target {
  namespace: string;
  dnsName: string;
  serviceEntry?: ServiceEntryRef;
  known: boolean;
}

/**
 * Resolves a host as configuration writes it (`name`, `name.ns`, `name.ns.svc`, an FQDN,
 * an external host) to the namespace and FQDN an egress host must name. Short forms are
 * tried only where they cannot be an external name (`a.b` only when `b` is a namespace
 * holding Service `a`).
 */
export function resolveTarget(
  index: Index,
  rawHost: string,
  namespaceHint: string | undefined,
): Target {
  const host = normalizeDnsName(rawHost);
  const direct = index.servicesByHost.get(host);
  if (direct) {
    return { namespace: direct.namespace, dnsName: host, known: true };
  }
  const parts = host.split('.');
  let byName: MeshServiceInfo | undefined;
  if (parts.length === 1 && namespaceHint) {
    byName = index.servicesByName.get(`${namespaceHint}/${host}`);
  } else if (parts.length === 2 || (parts.length === 3 && parts[2] === 'svc')) {
    byName = index.servicesByName.get(`${parts[1]}/${parts[0]}`);
  }
  if (byName) {
    return {
      namespace: byName.namespace,
      dnsName: normalizeDnsName(byName.host),
      known: true,
    };
  }
  const se = findServiceEntry(index, host);
  if (se) {
    return {
      namespace: se.namespace,
      dnsName: se.host,
      serviceEntry: se,
      known: true,
    };
  }
  const domain = index.clusterDomain;
  if (parts.length === 1 && namespaceHint) {
    return {
      namespace: namespaceHint,
      dnsName: `${host}.${namespaceHint}.svc.${domain}`,
      known: false,
    };
  }
  if (parts.length === 3 && parts[2] === 'svc') {
    return {
      namespace: parts[1],
      dnsName: `${host}.${domain}`,
      known: false,
    };
  }
  const k8s = parseKubernetesHost(host);
  return {
    namespace: k8s?.namespace ?? namespaceHint ?? '*',
    dnsName: host,
    known: false,
  };
}
