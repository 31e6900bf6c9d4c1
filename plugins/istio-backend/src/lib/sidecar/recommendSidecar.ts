import type {
  IstioEgressHost,
  IstioSidecarRecommendation,
  IstioSidecarWarning,
} from '@istio-backstage/plugin-istio-common';
import type {
  MeshServiceInfo,
  RecommendationInput,
  RecommendationResult,
  SidecarObject,
  WorkloadInfo,
} from './types';
import { clusterCount, proxyOfWorkload, visibleServices } from './visibility';
import { sidecarYaml, type SidecarManifest } from './sidecarYaml';
import { listNames } from './format';
import {
  commentLines,
  entryWorkloads,
  prepareHost,
  reasonsFor,
  type PreparedHost,
} from './hostCollector';
import { buildIndex, withExportDefaults } from './meshIndex';
import { describeSelector, differingHosts } from './entityScope';
import { aggregateEdges, type AggregatedTraffic } from './observedTraffic';
import { collectEgressHosts } from './egressHosts';
import { planObjects, type PlannedObject } from './planObjects';
import { triage } from './triage';

type RecommendedObject = IstioSidecarRecommendation['objects'][number];

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

/**
 * Recommends the Sidecar resource(s) scoping an entity's Envoy proxies in one namespace
 * to what they use, each egress host with the reasons it is kept:
 *
 * - `./*`: the own namespace (also covers its VirtualServices, ServiceEntries and the
 *   traffic that stays inside it);
 * - `<ns>/*` for each control plane namespace (the root namespace when none is known);
 * - the tracing collector as `<collector-ns>/<collector FQDN>` — that one service, not its
 *   whole namespace, since observability namespaces also hold Prometheus, Grafana, Jaeger
 *   query… whose clusters every proxy would pay for;
 * - observed traffic as `<destination ns>/<destination FQDN>`, ServiceEntry destinations
 *   as `<se-ns>/<se host>`, unmatched (Passthrough/BlackHole) traffic to a known host;
 * - catalog dependencies and extra hosts;
 * - for each of those hosts, the namespaces holding VirtualServices (bound to sidecars)
 *   and ServiceEntries for it that are exported to the namespace: istiod imports them by
 *   the namespace they are defined in. DestinationRules are never a reason (istiod finds
 *   them in the client's, the service's or the root namespace whatever the Sidecar
 *   imports); one for a called host that can never apply is a warning;
 * - hosts covered by a broader host (`ns/*`) fold into it, merging reasons.
 *
 * Unset `exportTo`s take the MeshConfig defaults given (`*` when unknown).
 *
 * Scope: one selector-less Sidecar (`default`, or the name of the namespace default it
 * replaces) when the entity owns every sidecar workload of the namespace; else one
 * Sidecar selecting the entity's pods by the label the catalog matches them with (so
 * versions deployed later are scoped too), when that label selects exactly the
 * entity's pods and its workloads need the same hosts; else, with a warning saying
 * why, one Sidecar per workload with a `workloadSelector` and that workload's hosts. A
 * selector Sidecar already in force with the same selector is replaced (same name): a
 * second matching Sidecar would lose to the older one.
 *
 * Nothing is recommended for ambient namespaces, gateway-only entities, and entities
 * without workloads or sidecars. Pure: no I/O.
 */
export function recommendSidecar(
  given: RecommendationInput,
): RecommendationResult {
  const triaged = triage(given);
  if (!('meshed' in triaged)) return triaged;
  const { meshed, warnings } = triaged;
  const input = withExportDefaults(given);
  const index = buildIndex(input);
  const traffic = input.observedEdges
    ? aggregateEdges(
        input.observedEdges,
        input.namespace,
        new Set(meshed.map(w => w.name)),
      )
    : undefined;
  const hosts = collectEgressHosts(input, index, traffic, warnings);
  const prepared = hosts.sorted().map(prepareHost);
  let positions: HostPositions | undefined;
  const positionsOf = () => (positions ??= hostPositions(prepared));
  const plan = planObjects(input, meshed, warnings, () =>
    differingHosts(meshed, w =>
      (positionsOf().perWorkload.get(w) ?? []).map(i => prepared[i].host),
    ),
  );
  const { objects, manifests } = renderObjects(
    input,
    plan.objects,
    prepared,
    positionsOf,
  );
  warnings.push(...trafficWarnings(input, meshed, traffic));
  const { before, after } = visibleBeforeAndAfter(input, meshed[0], objects);

  // Reasons are created as response objects: no copy of what can be 100k of them.
  const egress: IstioEgressHost[] = prepared.map(p => ({
    host: p.host,
    reasons: p.reasons,
  }));

  return {
    recommendation: {
      cluster: input.cluster,
      namespace: input.namespace,
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

/** Positions of the hosts every workload needs, and of each workload's own. */
interface HostPositions {
  everyone: number[];
  perWorkload: Map<string, number[]>;
}

function hostPositions(prepared: readonly PreparedHost[]): HostPositions {
  const everyone: number[] = [];
  const perWorkload = new Map<string, number[]>();
  prepared.forEach((p, i) => {
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
  return { everyone, perWorkload };
}

/** The positions of the hosts a planned Sidecar takes, in order. */
function chosenHosts(
  p: PlannedObject,
  prepared: readonly PreparedHost[],
  positions: HostPositions,
): number[] {
  if (p.everyHost) return prepared.map((_, i) => i);
  const set = new Set(positions.everyone);
  for (const w of p.workloads) {
    for (const i of positions.perWorkload.get(w) ?? []) set.add(i);
  }
  return [...set].sort((a, b) => a - b);
}

/**
 * The planned Sidecars with their hosts: as response objects, and as manifests whose
 * comments give each host's reasons (for a workload Sidecar, those of its workloads).
 */
function renderObjects(
  input: RecommendationInput,
  planned: readonly PlannedObject[],
  prepared: readonly PreparedHost[],
  positionsOf: () => HostPositions,
): { objects: RecommendedObject[]; manifests: SidecarManifest[] } {
  // Only workload Sidecars pick hosts by workload: skip the index when there are none.
  const positions = planned.some(p => !p.everyHost)
    ? positionsOf()
    : { everyone: [], perWorkload: new Map<string, number[]>() };
  const objects: RecommendedObject[] = [];
  const manifests: SidecarManifest[] = [];
  for (const p of planned) {
    const chosen = chosenHosts(p, prepared, positions);
    objects.push({
      name: p.name,
      ...(p.workloadSelector ? { workloadSelector: p.workloadSelector } : {}),
      hosts: chosen.map(i => prepared[i].host),
    });
    manifests.push({
      name: p.name,
      namespace: input.namespace,
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
  return { objects, manifests };
}

/** A manifest's heading: what it is for, what it was made from, what it replaces. */
function headerComment(input: RecommendationInput, p: PlannedObject): string[] {
  const source = input.observedEdges
    ? `${input.windowDays}d of observed traffic, the catalog and the mesh config`
    : 'the catalog and the mesh config (no observed traffic: Prometheus unavailable)';
  const workloads = [...p.workloads].sort();
  let target: string;
  if (p.forEntity && p.workloadSelector) {
    target = `entity ${input.entity?.name ?? listNames(workloads)} in ${
      input.namespace
    }: every pod labelled ${describeSelector(
      p.workloadSelector,
    )}, versions deployed later too (now ${listNames(workloads)})`;
  } else if (p.workloadSelector) {
    target = `workload${workloads.length === 1 ? '' : 's'} ${listNames(
      workloads,
    )} in ${input.namespace}`;
  } else target = `namespace ${input.namespace} (selector-less default)`;
  const lines = [`Sidecar for ${target}, recommended from ${source}.`];
  if (p.replaces) {
    lines.push(
      `Replaces the existing Sidecar ${p.replaces.namespace}/${p.replaces.name}.`,
    );
  }
  return lines;
}

/**
 * What the observed traffic cannot vouch for: workloads with no outbound traffic in the
 * window, or all of them when Prometheus could not be read.
 */
function trafficWarnings(
  input: RecommendationInput,
  meshed: readonly WorkloadInfo[],
  traffic: AggregatedTraffic | undefined,
): IstioSidecarWarning[] {
  if (!traffic) {
    return [
      {
        code: 'prometheus-unavailable',
        message:
          'Observed traffic could not be read from Prometheus: dependencies come from the catalog only, so calls the catalog does not declare would be cut off. Check them before applying.',
      },
    ];
  }
  return meshed
    .filter(w => !traffic.active.has(w.name))
    .map(
      (w): IstioSidecarWarning => ({
        code: 'no-traffic-observed',
        workload: w.name,
        message: `No outbound traffic from ${w.name} was observed in the last ${input.windowDays}d: the recommendation could break it if it has calls not seen in the window (rare jobs, failover paths). Add such destinations as extra hosts.`,
      }),
    );
}

/** What one entity proxy sees now, and with the recommendation substituted. */
function visibleBeforeAndAfter(
  input: RecommendationInput,
  workload: WorkloadInfo,
  objects: readonly RecommendedObject[],
): { before: MeshServiceInfo[]; after: MeshServiceInfo[] } {
  const proxy = proxyOfWorkload(workload);
  const visible = (sidecars: readonly SidecarObject[]) =>
    visibleServices(
      input.services,
      sidecars,
      proxy,
      input.rootNamespace,
      input.discoveredNamespaces,
    );
  return {
    before: visible(input.sidecars),
    after: visible(
      withRecommendedSidecars(input.sidecars, input.namespace, objects),
    ),
  };
}
