import type {
  IstioEgressHost,
  IstioSidecarRecommendation,
  IstioSidecarWarning,
} from '@istio-backstage/plugin-istio-common';
import type {
  RecommendationInput,
  RecommendationResult,
  SidecarObject,
  WorkloadInfo,
} from './types';
import {
  dnsNamesOverlap,
  isWildcard,
  normalizeDnsName,
  parseEgressHost,
} from './hosts';
import {
  clusterCount,
  selectorMatches,
  sidecarInForce,
  visibleServices,
  type ProxyInfo,
} from './visibility';
import { sidecarYaml, type SidecarManifest } from './sidecarYaml';
import { listNames } from './format';
import {
  HostCollector,
  commentLines,
  entryWorkloads,
  prepareHost,
  reasonsFor,
  type HostEntry,
} from './hostCollector';
import { buildIndex, resolveTarget, type Index } from './meshIndex';
import { addObservedTraffic, aggregateEdges } from './observedTraffic';
import { selectorChooser, sidecarObjectName } from './workloadSelector';

type RecommendedObject = IstioSidecarRecommendation['objects'][number];

/** A Sidecar the recommendation will write, before hosts are attached. */
interface PlannedObject {
  name: string;
  workloadSelector?: Record<string, string>;
  /** Entity workloads it is meant for (its hosts are the union of theirs). */
  workloads: Set<string>;
  /** Takes every host (the namespace default). */
  everyHost: boolean;
  outboundTrafficPolicy?: string;
  replaces?: SidecarObject;
}

/**
 * The Sidecar set after applying `objects` to `namespace`: objects replace Sidecars of
 * the same name; new ones have no `creationTimestamp`, so they lose ties to older ones
 * exactly as they would in the cluster.
 */
export function withRecommendedSidecars(
  sidecars: readonly SidecarObject[],
  namespace: string,
  objects: readonly RecommendedObject[],
): SidecarObject[] {
  const names = new Set(objects.map(o => o.name));
  return [
    ...sidecars.filter(s => !(s.namespace === namespace && names.has(s.name))),
    ...objects.map(o => ({
      name: o.name,
      namespace,
      ...(o.workloadSelector ? { workloadSelector: o.workloadSelector } : {}),
      hosts: o.hosts,
    })),
  ];
}

function proxyOf(w: WorkloadInfo): ProxyInfo {
  return { namespace: w.namespace, labels: w.labels, isGateway: w.isGateway };
}

/** Why nothing can be recommended, or the workloads to scope and warnings so far. */
function triage(
  input: RecommendationInput,
):
  | { meshed: WorkloadInfo[]; warnings: IstioSidecarWarning[] }
  | RecommendationResult {
  const ns = input.namespace;
  if (input.namespaceAmbient) {
    return {
      warnings: [
        {
          code: 'ambient-namespace',
          message: `Namespace ${ns} uses ambient mode: Sidecar resources have no effect on ambient workloads (ztunnel and waypoints are not configured by them), so no Sidecar is recommended.`,
        },
      ],
    };
  }
  if (input.entityWorkloads.length === 0) {
    return {
      warnings: [
        {
          code: 'no-workloads',
          message: `No workloads of this entity were found in ${ns}: nothing to scope.`,
        },
      ],
    };
  }
  const gateways = input.entityWorkloads.filter(w => w.isGateway);
  if (gateways.length === input.entityWorkloads.length) {
    return {
      warnings: [
        {
          code: 'gateway',
          message: `All workloads of this entity in ${ns} are gateways (${listNames(
            gateways.map(g => g.name),
          )}): Sidecar resources do not apply to gateways, so no Sidecar is recommended. Limit what gateways see with exportTo or discoverySelectors instead.`,
        },
      ],
    };
  }
  const warnings: IstioSidecarWarning[] = gateways.map(g => ({
    code: 'gateway',
    workload: g.name,
    message: `${g.name} is a gateway: Sidecar resources do not apply to it, and the recommendation leaves it as is.`,
  }));
  const candidates = input.entityWorkloads.filter(w => !w.isGateway);
  const meshed = candidates.filter(w => w.hasSidecar);
  if (meshed.length === 0) {
    warnings.push({
      code: 'not-in-mesh',
      message: `None of this entity's workloads in ${ns} (${listNames(
        candidates.map(w => w.name),
      )}) runs an Envoy sidecar: a Sidecar resource would have no effect.`,
    });
    return { warnings };
  }
  for (const w of candidates) {
    if (!w.hasSidecar) {
      warnings.push({
        code: 'not-in-mesh',
        workload: w.name,
        message: `${w.name} runs no Envoy sidecar: the recommendation does not affect it.`,
      });
    }
  }
  return { meshed, warnings };
}

/**
 * Recommends the Sidecar resource(s) scoping an entity's Envoy proxies in one namespace
 * to what they use, each egress host with its reasons (PRODUCT.md §2):
 *
 * - `./*`: the own namespace (also covers its VirtualServices, ServiceEntries and the
 *   traffic that stays inside it);
 * - `<ns>/*` for each control plane namespace (the root namespace when none is known);
 * - the tracing collector as `<collector-ns>/<collector FQDN>` — that one service, not its
 *   whole namespace, since observability namespaces also hold Prometheus, Grafana, Jaeger
 *   query… whose clusters every proxy would pay for;
 * - observed traffic as `<destination ns>/<destination FQDN>`, ServiceEntry destinations
 *   as `<se-ns>/<se host>`, unmatched (Passthrough/BlackHole) traffic to a known host;
 * - catalog dependencies, VirtualServices of other namespaces that route a kept host
 *   (a VirtualService applies only when imported from its own namespace), extra hosts;
 * - hosts covered by a broader host (`ns/*`) fold into it, merging reasons.
 *
 * Scope: one selector-less Sidecar (`default`, or the name of the namespace default it
 * replaces) when the entity owns every sidecar workload of the namespace; else one
 * Sidecar per workload with a `workloadSelector` and that workload's hosts. A selector
 * Sidecar already in force that selects only entity workloads is replaced (same name and
 * selector): a second matching Sidecar would lose to the older one.
 *
 * Nothing is recommended for ambient namespaces, gateway-only entities, and entities
 * without workloads or sidecars. Pure: no I/O.
 */
export function recommendSidecar(
  input: RecommendationInput,
): RecommendationResult {
  const triaged = triage(input);
  if (!('meshed' in triaged)) return triaged;
  const { meshed, warnings } = triaged;
  const ns = input.namespace;
  const index = buildIndex(input);
  const hosts = new HostCollector(ns);

  hosts.add(
    '.',
    '*',
    'own-namespace',
    `services of ${ns}, the workloads' own namespace (the seed's egress "./*")`,
  );
  const controlPlanes = [...new Set(input.controlPlaneNamespaces)].sort();
  if (controlPlanes.length === 0) {
    hosts.add(
      input.rootNamespace,
      '*',
      'control-plane',
      `root namespace ${input.rootNamespace} (no istiod namespace known)`,
    );
  }
  for (const cp of controlPlanes) {
    hosts.add(
      cp,
      '*',
      'control-plane',
      `control plane namespace ${cp}: istiod, and mesh add-ons that often live beside it (zipkin, egress gateway)`,
    );
  }

  const collector = input.tracingCollector;
  if (collector) {
    const t = resolveTarget(index, collector.host, collector.namespace);
    const port = collector.port === undefined ? '' : `:${collector.port}`;
    hosts.add(
      t.namespace,
      t.dnsName,
      'tracing-collector',
      `spans go to ${collector.host}${port}; a Sidecar without it drops them`,
    );
  }

  const traffic = input.observedEdges
    ? aggregateEdges(input.observedEdges, ns, new Set(meshed.map(w => w.name)))
    : undefined;
  if (traffic) {
    addObservedTraffic(traffic, index, hosts, input.windowDays, warnings);
  }

  for (const dep of input.catalogDependencies) {
    const svc = index.servicesByName.get(`${dep.namespace}/${dep.service}`);
    const dns = svc
      ? normalizeDnsName(svc.host)
      : `${dep.service}.${dep.namespace}.svc.${index.clusterDomain}`;
    hosts.add(
      dep.namespace,
      dns,
      'catalog-dependency',
      `${dep.entityRef} is a declared dependency (Service ${dep.service}.${
        dep.namespace
      }${svc ? '' : ', not found in the mesh registry'})`,
    );
  }

  addVirtualServices(input, index, hosts);

  for (const extra of input.extraHosts ?? []) {
    const parsed = parseEgressHost(extra);
    if (parsed && parsed.namespace !== '~') {
      hosts.add(
        parsed.namespace,
        parsed.dnsName,
        'requested',
        'asked for when applying',
      );
    }
  }

  hosts.foldCovered();
  const prepared = hosts.sorted().map(prepareHost);
  const plan = planObjects(input, meshed, warnings);

  // Positions of the hosts every workload needs, and of each workload's own.
  const everyone: number[] = [];
  const perWorkload = new Map<string, number[]>();
  const needsIndex = plan.objects.some(p => !p.everyHost);
  prepared.forEach((p, i) => {
    if (!needsIndex) return;
    const workloads = entryWorkloads(p.entry);
    if (workloads === 'all') {
      everyone.push(i);
      return;
    }
    for (const w of workloads) {
      const list = perWorkload.get(w);
      if (list) list.push(i);
      else perWorkload.set(w, [i]);
    }
  });

  const objects: RecommendedObject[] = [];
  const manifests: SidecarManifest[] = [];
  for (const p of plan.objects) {
    let chosen: number[];
    if (p.everyHost) chosen = prepared.map((_, i) => i);
    else {
      const set = new Set(everyone);
      for (const w of p.workloads) {
        for (const i of perWorkload.get(w) ?? []) set.add(i);
      }
      chosen = [...set].sort((a, b) => a - b);
    }
    objects.push({
      name: p.name,
      ...(p.workloadSelector ? { workloadSelector: p.workloadSelector } : {}),
      hosts: chosen.map(i => prepared[i].host),
    });
    manifests.push({
      name: p.name,
      namespace: ns,
      ...(p.workloadSelector ? { workloadSelector: p.workloadSelector } : {}),
      ...(p.outboundTrafficPolicy
        ? { outboundTrafficPolicy: p.outboundTrafficPolicy }
        : {}),
      hosts: chosen.map(i => ({
        host: prepared[i].host,
        comment: commentLines(
          p.everyHost
            ? prepared[i].reasons
            : reasonsFor(prepared[i], p.workloads),
        ),
      })),
      comment: headerComment(input, p),
    });
  }

  if (traffic) {
    for (const w of meshed) {
      if (!traffic.active.has(w.name)) {
        warnings.push({
          code: 'no-traffic-observed',
          workload: w.name,
          message: `No outbound traffic from ${w.name} was observed in the last ${input.windowDays}d: the recommendation could break it if it has calls not seen in the window (rare jobs, failover paths). Add such destinations as extra hosts.`,
        });
      }
    }
  } else {
    warnings.push({
      code: 'prometheus-unavailable',
      message:
        'Observed traffic could not be read from Prometheus: dependencies come from the catalog only, so calls the catalog does not declare would be cut off. Check them before applying.',
    });
  }

  // Before/after for the first entity proxy, with the recommendation substituted.
  const proxy = proxyOf(meshed[0]);
  const before = visibleServices(
    input.services,
    input.sidecars,
    proxy,
    input.rootNamespace,
    input.discoveredNamespaces,
  );
  const after = visibleServices(
    input.services,
    withRecommendedSidecars(input.sidecars, ns, objects),
    proxy,
    input.rootNamespace,
    input.discoveredNamespaces,
  );

  // Reasons are created as response objects: no copy of what can be 100k of them.
  const egress: IstioEgressHost[] = prepared.map(p => ({
    host: p.host,
    reasons: p.reasons,
  }));

  return {
    recommendation: {
      cluster: input.cluster,
      namespace: ns,
      scope: plan.scope,
      yaml: sidecarYaml(manifests),
      objects,
      egress,
      servicesVisibleBefore: before.length,
      servicesVisibleAfter: after.length,
      clustersBefore: clusterCount(before),
      clustersAfter: clusterCount(after),
    },
    warnings,
  };
}

function headerComment(input: RecommendationInput, p: PlannedObject): string[] {
  const source = input.observedEdges
    ? `${input.windowDays}d of observed traffic, the catalog and the mesh config`
    : 'the catalog and the mesh config (no observed traffic: Prometheus unavailable)';
  const workloads = [...p.workloads].sort();
  const target = p.workloadSelector
    ? `workload${workloads.length === 1 ? '' : 's'} ${listNames(
        workloads,
      )} in ${input.namespace}`
    : `namespace ${input.namespace} (selector-less default)`;
  const lines = [`Sidecar for ${target}, recommended from ${source}.`];
  if (p.replaces) {
    lines.push(
      `Replaces the existing Sidecar ${p.replaces.namespace}/${p.replaces.name}.`,
    );
  }
  return lines;
}

/**
 * VirtualServices apply to a proxy only when imported from their own namespace. Those of
 * the own namespace come with `./*` (noted as a reason on it); one elsewhere that routes
 * a host the proxies keep — listed, or a Service of a namespace kept whole — needs
 * `<vs-ns>/<host>` too, or its routing rules silently stop applying. Hosts are expanded
 * as istiod does: only dot-less short names, relative to the VirtualService's namespace.
 */
function addVirtualServices(
  input: RecommendationInput,
  index: Index,
  hosts: HostCollector,
): void {
  const own = input.virtualServices
    .filter(vs => vs.namespace === input.namespace)
    .map(vs => vs.name)
    .sort();
  if (own.length > 0) {
    hosts.add(
      '.',
      '*',
      'virtual-service',
      `VirtualService${own.length > 1 ? 's' : ''} ${listNames(own)} in ${
        input.namespace
      } (imported from their own namespace)`,
    );
  }
  const others = input.virtualServices.filter(
    vs => vs.namespace !== input.namespace,
  );
  if (others.length === 0) return;

  const kept = new Map<string, HostEntry[]>();
  const wholeNamespaces = new Map<string, HostEntry>();
  for (const entry of hosts.entries.values()) {
    if (entry.dnsName === '*') {
      wholeNamespaces.set(
        entry.namespace === '.' ? input.namespace : entry.namespace,
        entry,
      );
      continue;
    }
    const list = kept.get(entry.dnsName);
    if (list) list.push(entry);
    else kept.set(entry.dnsName, [entry]);
  }
  const relevant = (host: string): Array<[string, HostEntry]> => {
    if (isWildcard(host)) {
      return [...kept].flatMap(([dns, list]) =>
        dnsNamesOverlap(host, dns)
          ? list.map((e): [string, HostEntry] => [dns, e])
          : [],
      );
    }
    const out = (kept.get(host) ?? []).map((e): [string, HostEntry] => [
      host,
      e,
    ]);
    const svc = index.servicesByHost.get(host);
    const whole = svc ? wholeNamespaces.get(svc.namespace) : undefined;
    if (whole) out.push([host, whole]);
    return out;
  };

  for (const vs of others) {
    for (const raw of vs.hosts) {
      const host = raw.includes('.')
        ? normalizeDnsName(raw)
        : `${normalizeDnsName(raw)}.${vs.namespace}.svc.${index.clusterDomain}`;
      for (const [dns, entry] of relevant(host)) {
        const needed = entryWorkloads(entry);
        const workloads = needed === 'all' ? [undefined] : [...needed];
        for (const w of workloads) {
          hosts.add(
            vs.namespace,
            dns,
            'virtual-service',
            `VirtualService ${vs.namespace}/${vs.name} routes ${dns}; it applies only when imported from ${vs.namespace}`,
            w,
          );
        }
      }
    }
  }
}

function describeSelector(selector: Record<string, string>): string {
  return Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function describeSidecar(s: SidecarObject, rootNamespace: string): string {
  let kind: string;
  if (s.workloadSelector) {
    kind = `selector ${describeSelector(s.workloadSelector)}`;
  } else if (s.namespace === rootNamespace) {
    kind = `mesh-wide default from root namespace ${rootNamespace}`;
  } else kind = 'selector-less namespace default';
  const hosts =
    s.hosts.length > 5
      ? `${s.hosts.slice(0, 5).join(', ')}, … (${s.hosts.length} hosts)`
      : s.hosts.join(', ');
  const policy = s.outboundTrafficPolicy
    ? `; outboundTrafficPolicy ${s.outboundTrafficPolicy}`
    : '';
  return `Sidecar ${s.namespace}/${s.name} (${kind}; egress hosts: ${
    hosts || 'none'
  }${policy})`;
}

/** Decides scope and objects, and warns about Sidecars already in force. */
function planObjects(
  input: RecommendationInput,
  meshed: readonly WorkloadInfo[],
  warnings: IstioSidecarWarning[],
): { scope: 'namespace' | 'workload'; objects: PlannedObject[] } {
  const ns = input.namespace;
  const root = input.rootNamespace;
  const entityNames = new Set(input.entityWorkloads.map(w => w.name));
  // Gateways and workloads without a proxy are not configured by Sidecars: they do not
  // make the namespace shared.
  const ownsNamespace = input.namespaceWorkloads
    .filter(w => w.hasSidecar && !w.isGateway)
    .every(w => entityNames.has(w.name));

  // Which existing Sidecar configures each entity proxy now.
  const inForce = new Map<SidecarObject, string[]>();
  for (const w of meshed) {
    const s = sidecarInForce(input.sidecars, proxyOf(w), root);
    if (s) inForce.set(s, [...(inForce.get(s) ?? []), w.name]);
  }
  const warn = (s: SidecarObject, workloads: string[], action: string) =>
    warnings.push({
      code: 'existing-sidecar',
      ...(workloads.length === 1 ? { workload: workloads[0] } : {}),
      message: `${describeSidecar(s, root)} applies to ${listNames(
        workloads,
      )} now; ${action}`,
    });

  const objects: PlannedObject[] = [];
  const replaced = new Set<SidecarObject>();
  const covered = new Set<string>();
  for (const [s, workloads] of inForce) {
    if (!s.workloadSelector) continue;
    const selector = s.workloadSelector;
    const foreign = input.namespaceWorkloads
      .filter(
        w =>
          w.hasSidecar &&
          !w.isGateway &&
          !entityNames.has(w.name) &&
          selectorMatches(selector, w.labels),
      )
      .map(w => w.name);
    if (foreign.length > 0) {
      warn(
        s,
        workloads,
        `it also selects ${listNames(
          foreign,
        )}, which this entity does not own, so it is not replaced. Being older, it keeps precedence over the recommended Sidecar: narrow its selector or delete it before applying.`,
      );
      continue;
    }
    replaced.add(s);
    for (const w of workloads) covered.add(w);
    objects.push({
      name: s.name,
      workloadSelector: selector,
      workloads: new Set(workloads),
      everyHost: false,
      ...(s.outboundTrafficPolicy
        ? { outboundTrafficPolicy: s.outboundTrafficPolicy }
        : {}),
      replaces: s,
    });
    warn(
      s,
      workloads,
      `the recommendation replaces it (same name and selector${
        s.outboundTrafficPolicy ? ', outboundTrafficPolicy kept' : ''
      }).`,
    );
  }

  if (ownsNamespace) {
    // Keep the name of an existing namespace default, even one not in force for the
    // entity: the namespace must keep a single selector-less Sidecar.
    const existingDefault = input.sidecars
      .filter(s => s.namespace === ns && !s.workloadSelector)
      .sort((a, b) => {
        const ta = a.creationTimestamp
          ? Date.parse(a.creationTimestamp)
          : Infinity;
        const tb = b.creationTimestamp
          ? Date.parse(b.creationTimestamp)
          : Infinity;
        return ta - tb || a.name.localeCompare(b.name);
      })[0];
    objects.unshift({
      name: existingDefault?.name ?? 'default',
      workloads: new Set(meshed.map(w => w.name)),
      everyHost: true,
      ...(existingDefault?.outboundTrafficPolicy
        ? { outboundTrafficPolicy: existingDefault.outboundTrafficPolicy }
        : {}),
      ...(existingDefault ? { replaces: existingDefault } : {}),
    });
    for (const [s, workloads] of inForce) {
      if (s.workloadSelector) continue;
      if (s === existingDefault) {
        warn(
          s,
          workloads,
          `the recommendation replaces it (same name${
            s.outboundTrafficPolicy ? ', outboundTrafficPolicy kept' : ''
          }), so the namespace keeps a single selector-less Sidecar.`,
        );
      } else {
        warn(
          s,
          workloads,
          `the recommended namespace default takes precedence over it in ${ns}; it stays as is for the rest of the mesh.`,
        );
      }
    }
    return { scope: 'namespace', objects };
  }

  for (const [s, workloads] of inForce) {
    if (s.workloadSelector) continue;
    const rest =
      s.namespace === ns
        ? "the namespace's other workloads"
        : 'the rest of the mesh';
    warn(
      s,
      workloads,
      `the recommended workload Sidecar takes precedence over it for ${
        workloads.length === 1 ? 'this workload' : 'these workloads'
      }; it stays as is for ${rest}.`,
    );
  }

  // Names of Sidecars we do not replace must not be overwritten.
  const taken = new Set(
    input.sidecars
      .filter(s => s.namespace === ns && !replaced.has(s))
      .map(s => s.name),
  );
  for (const o of objects) taken.add(o.name);
  const chooseSelector = selectorChooser(input.namespaceWorkloads);
  for (const w of meshed) {
    if (covered.has(w.name)) continue;
    const selector = chooseSelector(w);
    if (Object.keys(selector).length === 0) {
      // An empty selector would select every pod of the namespace.
      warnings.push({
        code: 'no-workloads',
        workload: w.name,
        message: `${w.name} has no stable pod labels, so no workloadSelector can target it alone: it is left out of the recommendation.`,
      });
      continue;
    }
    const base = sidecarObjectName(w.name);
    let name = base;
    for (let i = 2; taken.has(name); i++) {
      name = `${base.slice(0, 62 - String(i).length)}-${i}`;
    }
    taken.add(name);
    objects.push({
      name,
      workloadSelector: selector,
      workloads: new Set([w.name]),
      everyHost: false,
    });
  }
  return { scope: 'workload', objects };
}
