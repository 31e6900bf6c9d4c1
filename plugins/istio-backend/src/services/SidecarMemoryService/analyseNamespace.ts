import type { RevisionMeshConfig } from '../../lib/mesh/meshConfigs';
import type {
  IstioProxyMemory,
  IstioSidecarMemoryResponse,
  IstioWorkloadTracing,
} from '@istio-backstage/plugin-istio-common';
import type { SourceError } from '@istio-backstage/plugin-istio-node';
import type { V1Pod, V1Service } from '@kubernetes/client-node';
import { serviceEntryHosts } from '../../lib/kubernetes/meshObjects';
import {
  isAmbientNamespace,
  isSidecarProxy,
  proxyKindOf,
} from '../../lib/mesh/dataPlane';
import { DEFAULT_ROOT_NAMESPACE } from '../../lib/mesh/meshConfigs';
import { istioProxyOf, parseImage, versionOfTag } from '../../lib/mesh/parse';
import {
  revisionsServing,
  workloadTracingOf,
  type TracedWorkload,
  tracingCollectorsFor,
} from '../../lib/mesh/workloadTracing';
import { estimateSaving, recommendSidecar } from '../../lib/sidecar';
import type { EntityScope, RecommendationInput } from '../../lib/sidecar/types';
import type { AppliedSidecar } from '../AppliedSidecarStore';
import type { MeshEssentials } from '../ClusterReads';
import { measuredSaving } from './measuredSaving';
import type { NamespaceData } from './readNamespace';
import { sidecarInForceFindings } from './sidecarInForce';
import { toWorkloads, workloadNameOf } from './workloads';

/** One cluster × namespace part of a sidecar-memory answer. */
export type SidecarMemoryItem = IstioSidecarMemoryResponse['items'][number];

/** A catalog dependency of the entity that resolves to a Kubernetes service. */
export interface CatalogDependency {
  entityRef: string;
  namespace: string;
  service: string;
}

/** Everything one namespace's analysis rests on, already read. */
export interface NamespaceFacts {
  cluster: string;
  namespace: string;
  windowDays: number;
  /** The cluster's control planes and tracing; undefined when they could not be read. */
  mesh?: MeshEssentials;
  /** Why mesh-wide facts (control planes, discovered namespaces) are unknown. */
  meshErrors: SourceError[];
  /** The namespaces istiod discovers; undefined when not limited (or unknown). */
  discoveredNamespaces?: string[];
  data: NamespaceData;
  /** The entity's pods in this namespace; all the namespace's pods when absent. */
  selectedPods?: V1Pod[];
  dependencies: CatalogDependency[];
  extraHosts?: string[];
  /** The entity analysed and the labels its pods are matched with; absent for a namespace. */
  entity?: EntityScope;
  /** The last Sidecar applied here through Backstage, if any. */
  lastApply?: AppliedSidecar;
  /** How long after an apply memory counts as "after" (proxies settle). */
  settleMs: number;
  now: Date;
}

/** One namespace of one cluster: proxies, Sidecars in force, recommendation, estimate. */
export function analyseNamespace(facts: NamespaceFacts): SidecarMemoryItem {
  const { data } = facts;
  const item: SidecarMemoryItem = {
    cluster: facts.cluster,
    namespace: facts.namespace,
    windowDays: facts.windowDays,
    proxies: [],
    sidecarsInForce: [],
    warnings: [],
    errors: [...facts.meshErrors, ...data.errors],
  };
  if (!data.namespacePods) return item;

  const selected = facts.selectedPods ?? data.namespacePods;
  item.proxies = selected.map(pod => proxyMemoryOf(pod, facts));
  const tracing = effectiveTracing(facts, selected);
  if (tracing) {
    item.effectiveTracing = tracing.tracing;
    if (tracing.error) item.errors.push(tracing.error);
  }
  const serving = servingRevision(facts.mesh, selected, data);
  const rootNamespace = rootNamespaceOf(facts.mesh, serving);
  const input: RecommendationInput = {
    ...recommendationInput(
      facts,
      selected,
      rootNamespace,
      item.effectiveTracing,
    ),
    ...(serving?.known ? { exportToDefaults: serving.exportToDefaults } : {}),
  };
  const result = recommendSidecar(input);
  item.warnings.push(...result.warnings);
  // What the Sidecars in force today leave out, apart from any recommendation.
  item.warnings.push(...sidecarInForceFindings(input, item.effectiveTracing));
  if (!data.memoryNow) {
    item.warnings.push({
      code: 'metrics-unavailable',
      message: 'metrics.k8s.io could not be read: current memory is unknown.',
    });
  }
  item.sidecarsInForce = sidecarsInForce(data, facts.namespace, rootNamespace);
  if (facts.lastApply)
    item.measured = measuredSaving({
      lastApply: facts.lastApply,
      namespace: facts.namespace,
      rootNamespace,
      proxies: item.proxies,
      podLabels: new Map(
        selected.map(p => [p.metadata?.name ?? '', p.metadata?.labels ?? {}]),
      ),
      sidecars: data.sidecars,
      settleMs: facts.settleMs,
      now: facts.now,
    });
  if (result.recommendation) {
    item.recommendation = result.recommendation;
    const estimate = estimateFor(item, data);
    if (estimate) item.estimate = estimate;
  }
  return item;
}

/**
 * The MeshConfig `rootNamespace` of the revision configuring the entity's proxies (else
 * of the `default` revision, else the first); Istio's default `istio-system` when the
 * MeshConfig does not set it. Essentials kept before revisions were told apart (no
 * `revisions`) fall back to istiod's namespace, as they always did.
 */
function rootNamespaceOf(
  mesh: MeshEssentials | undefined,
  serving: RevisionMeshConfig | undefined,
): string {
  if (!mesh?.revisions)
    return mesh?.controlPlanes[0]?.namespace ?? DEFAULT_ROOT_NAMESPACE;
  return serving?.known ? serving.rootNamespace : DEFAULT_ROOT_NAMESPACE;
}

/**
 * The MeshConfig of the revision configuring the entity's proxies, else of the
 * `default` revision, else the first; undefined without per-revision essentials.
 */
function servingRevision(
  mesh: MeshEssentials | undefined,
  selected: V1Pod[],
  data: NamespaceData,
): RevisionMeshConfig | undefined {
  if (!mesh?.revisions) return undefined;
  const [serving] = revisionsServing(selected, data.namespaceLabels, mesh);
  return (
    serving ??
    mesh.revisions.find(r => r.revision === 'default') ??
    mesh.revisions[0]
  );
}

/** Pods as the answer groups them: per workload. */
function byWorkload(namespace: string, pods: V1Pod[]): TracedWorkload[] {
  const groups = new Map<string, V1Pod[]>();
  for (const pod of pods) {
    const name = workloadNameOf(pod);
    groups.set(name, [...(groups.get(name) ?? []), pod]);
  }
  return [...groups.entries()].map(([name, list]) => ({
    name,
    namespace,
    pods: list,
  }));
}

/** The mesh's Services as the collector check reads them (ServiceEntries are not Services). */
function servicesOf(data: NamespaceData): V1Service[] | undefined {
  return data.services
    ?.filter(s => !s.serviceEntry)
    .map(s => ({
      metadata: { name: s.name, namespace: s.namespace },
      spec: { ports: s.ports.map(port => ({ port })) },
    }));
}

/**
 * The effective tracing of the entity's workloads; undefined when the mesh's facts
 * are unknown (their error is already in the answer). When a workload's revision rests
 * on revision tags that could not be read, that read's failure is an error of the answer.
 */
function effectiveTracing(
  facts: NamespaceFacts,
  selected: V1Pod[],
): { tracing: IstioWorkloadTracing[]; error?: SourceError } | undefined {
  const { mesh, data } = facts;
  // Essentials kept before revisions were told apart carry no per-revision facts.
  if (!mesh?.revisions) return undefined;
  const { tracing, needsTags } = workloadTracingOf(
    byWorkload(facts.namespace, selected),
    data.namespaceLabels,
    mesh,
    servicesOf(data),
  );
  return {
    tracing,
    ...(needsTags && mesh.tagsError ? { error: mesh.tagsError } : {}),
  };
}

/** A pod's proxy: what it is, its version, and its memory now and over the window. */
function proxyMemoryOf(pod: V1Pod, facts: NamespaceFacts): IstioProxyMemory {
  const { memoryNow, prometheus } = facts.data;
  const window = prometheus?.window;
  const name = pod.metadata?.name ?? '';
  const proxyImage = istioProxyOf(pod)?.container.image;
  const version = versionOfTag(
    proxyImage ? parseImage(proxyImage).tag : undefined,
  );
  const average = window?.average.get(name);
  return {
    cluster: facts.cluster,
    namespace: facts.namespace,
    pod: name,
    workload: workloadNameOf(pod),
    ...(pod.metadata?.labels?.app ? { app: pod.metadata.labels.app } : {}),
    proxyKind: proxyKindOf(pod),
    ...(version ? { proxyVersion: version } : {}),
    ...optional('memoryNowBytes', memoryNow?.get(name)),
    ...optional('memoryPeakBytes', window?.peak.get(name)),
    ...optional(
      'memoryAverageBytes',
      average === undefined ? undefined : Math.round(average),
    ),
    ...optional('envoyAllocatedBytes', window?.allocated.get(name)),
    ...optional('envoyActiveClusters', window?.clusters.get(name)),
  };
}

/** `{ [key]: value }`, or nothing when the value is unknown. */
function optional<K extends string>(
  key: K,
  value: number | undefined,
): Partial<Record<K, number>> {
  return value === undefined
    ? {}
    : ({ [key]: value } as Partial<Record<K, number>>);
}

/** The default revision's collector, as the recommendation takes it. */
function meshCollector(
  collector: NonNullable<MeshEssentials['tracing']['collector']> | undefined,
): RecommendationInput['tracingCollectors'] {
  if (!collector) return [];
  const { service } = collector;
  return [
    {
      host: service
        ? `${service.name}.${service.namespace}.svc.cluster.local`
        : collector.host,
      namespace: service?.namespace,
      port: collector.port,
    },
  ];
}

/** What the recommendation engine is given for this namespace. */
function recommendationInput(
  facts: NamespaceFacts,
  selected: V1Pod[],
  rootNamespace: string,
  effective: IstioWorkloadTracing[] | undefined,
): RecommendationInput {
  const { data, mesh } = facts;
  const collector = mesh?.tracing.collector;
  return {
    cluster: facts.cluster,
    namespace: facts.namespace,
    rootNamespace,
    controlPlaneNamespaces: [
      ...new Set((mesh?.controlPlanes ?? []).map(c => c.namespace)),
    ],
    // Each workload's own collectors (its revision, the Telemetry that applies to it);
    // the default revision's when the workloads' tracing could not be resolved.
    tracingCollectors: effective
      ? tracingCollectorsFor(effective)
      : meshCollector(collector),
    entityWorkloads: toWorkloads(selected),
    namespaceWorkloads: toWorkloads(data.namespacePods ?? []),
    observedEdges: data.prometheus?.edges,
    catalogDependencies: facts.dependencies,
    serviceEntries: data.serviceEntries ?? [],
    virtualServices: data.virtualServices ?? [],
    destinationRules: data.destinationRules ?? [],
    ...(facts.entity ? { entity: facts.entity } : {}),
    services: [
      ...(data.services ?? []),
      ...serviceEntryHosts(data.serviceEntries ?? []),
    ],
    sidecars: data.sidecars ?? [],
    discoveredNamespaces: facts.discoveredNamespaces,
    namespaceAmbient: isAmbientNamespace(data.namespaceLabels),
    extraHosts: facts.extraHosts,
    windowDays: facts.windowDays,
  };
}

/** The namespace's own Sidecars and the mesh-wide default (root namespace, no selector). */
function sidecarsInForce(
  data: NamespaceData,
  namespace: string,
  rootNamespace: string,
): SidecarMemoryItem['sidecarsInForce'] {
  return (data.sidecars ?? [])
    .filter(
      s =>
        s.namespace === namespace ||
        (s.namespace === rootNamespace && !s.workloadSelector),
    )
    .map(s => ({
      name: s.name,
      namespace: s.namespace,
      ...(s.workloadSelector ? { workloadSelector: s.workloadSelector } : {}),
      hosts: s.hosts,
    }));
}

/** The estimated saving of the recommendation over the namespace's sidecars. */
function estimateFor(
  item: SidecarMemoryItem,
  data: NamespaceData,
): SidecarMemoryItem['estimate'] {
  const { clustersBefore, clustersAfter } = item.recommendation!;
  if (clustersBefore === undefined || clustersAfter === undefined)
    return undefined;
  return estimateSaving({
    memory: data.prometheus?.memory ?? [],
    clustersBefore,
    clustersAfter,
    pods: item.proxies.filter(p => isSidecarProxy(p.proxyKind)).length,
  });
}
