import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type { UserInfoService } from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  toSourceError,
  type ClusterAccess,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import type { V1Pod } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import type { AnswerCache } from '../../lib/answerCache';
import { discoveredNamespaces } from '../../lib/mesh/discoverySelectors';
import { revisionsServing } from '../../lib/mesh/workloadTracing';
import type { SharedReads } from '../../lib/sharedReads';
import type { EntityScope } from '../../lib/sidecar/types';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import {
  MeshEssentialsError,
  type ClusterReads,
  type MeshEssentials,
} from '../ClusterReads';
import {
  analyseNamespace,
  type CatalogDependency,
  type SidecarMemoryItem,
} from './analyseNamespace';
import type { NamespaceHints } from './namespaceHints';
import { readNamespace, type NamespaceData } from './readNamespace';

/** The traffic and memory window of an answer. */
const WINDOW_DAYS = 7;

/** What answering sidecar-memory rests on: the reads, the stores, and what is reused. */
export interface SidecarMemoryDeps {
  clusters: ClusterAccess;
  reads: ClusterReads;
  catalog: CatalogService;
  /** The caller's groups, for what only owners may be recommended. */
  userInfo: UserInfoService;
  applied: AppliedSidecarStore;
  /** How long after an apply memory counts as "after" (proxies settle). */
  settleMs: number;
  now: () => Date;
  /** Namespaces' reads, reused by the next requests. */
  namespaceReads: SharedReads<NamespaceData>;
  /** Where unannotated entities' pods were last found. */
  namespaceHints: NamespaceHints;
  /** Where analysed parts of answers are kept; none when absent. */
  parts?: AnswerCache<SidecarMemoryItem>;
}

/** The mesh's control planes and tracing, or why they are unknown. */
export type MeshRead = { essentials?: MeshEssentials; error?: SourceError };

/** One cluster as a request reads it. */
export interface ClusterScope {
  /** The cluster's client; for a cluster reached with the user's token, that user's. */
  client: ClusterClient;
  /**
   * Read everything now, reusing nothing: before a write, and always with a user's
   * token (what it reads is for that user alone).
   */
  fresh: boolean;
  /** The user's tokens, for a cluster reached with them. */
  userAuth?: KubernetesRequestAuth;
  /** The applied-Sidecar store's revision: what was read under another is not reused. */
  revision: string;
}

/** What one namespace of an answer is analysed from (its reads may still be in flight). */
export interface NamespaceWork {
  scope: ClusterScope;
  namespace: string;
  /** Awaited together, so a slow Prometheus costs one timeout, not two in a row. */
  mesh: Promise<MeshRead>;
  data: Promise<NamespaceData>;
  selectedPods?: V1Pod[];
  dependencies: CatalogDependency[];
  extraHosts?: string[];
  /** The entity analysed and the labels its pods are matched with; absent for a namespace. */
  entity?: EntityScope;
}

/**
 * How a request reads one cluster: fresh when asked, and always when the client reads
 * with the user's own token.
 */
export function scopeOf(
  client: ClusterClient,
  options: {
    fresh?: boolean;
    revision: string;
    userAuth?: KubernetesRequestAuth;
  },
): ClusterScope {
  return {
    client,
    fresh: (options.fresh ?? false) || !client.sharesAnswers,
    revision: options.revision,
    userAuth: options.userAuth,
  };
}

/** The control planes and tracing; a failed read is an error of the answer. */
export async function meshOf(
  deps: SidecarMemoryDeps,
  { client, fresh, userAuth }: ClusterScope,
): Promise<MeshRead> {
  try {
    return {
      essentials: await deps.reads.essentials(client.cluster.name, {
        fresh,
        userAuth,
      }),
    };
  } catch (error) {
    return {
      error:
        error instanceof MeshEssentialsError
          ? error.sourceError
          : toSourceError('kubernetes', error),
    };
  }
}

/**
 * A namespace's reads, reused like the answers built on them (same reuse, same store
 * revision): a request that only changes the extra hosts, or another entity of the
 * namespace, is analysed without reading the cluster again. Kept only when complete.
 */
export function namespaceRead(
  deps: SidecarMemoryDeps,
  scope: ClusterScope,
  namespace: string,
): Promise<NamespaceData> {
  const { client, fresh, revision, userAuth } = scope;
  const read = () =>
    readNamespace({
      client,
      reads: deps.reads,
      namespace,
      windowDays: WINDOW_DAYS,
      fresh,
      appliedRevision: revision,
      userAuth,
    });
  if (fresh) return read();
  const key = `${client.cluster.name}/${namespace}@${revision}`;
  return deps.namespaceReads.get(key, read, data => data.errors.length === 0);
}

/**
 * The discovery selectors of the istiod revisions configuring the entity's proxies
 * (each revision has its own MeshConfig): one list per revision; none when a revision
 * has none (it discovers every namespace). Without per-revision facts, or when no
 * proxy's revision can be told, the `default` revision's.
 */
function selectorsFor(
  mesh: MeshEssentials,
  data: NamespaceData,
  selectedPods: V1Pod[] | undefined,
): unknown[][] | undefined {
  const serving = mesh.revisions
    ? revisionsServing(
        selectedPods ?? data.namespacePods ?? [],
        data.namespaceLabels,
        mesh,
      )
    : [];
  if (serving.length === 0)
    return mesh.discoverySelectors?.length
      ? [mesh.discoverySelectors]
      : undefined;
  const lists = serving.map(config =>
    config.known ? config.discoverySelectors : undefined,
  );
  return lists.every(list => list?.length) ? (lists as unknown[][]) : undefined;
}

/**
 * The namespaces istiod discovers, when MeshConfig `discoverySelectors` of the
 * revisions configuring the entity's proxies limit them (undefined: all); with several
 * revisions, those any of them discovers. Read only then; a failed read leaves them
 * unknown (all), and is an error of the answer.
 */
async function discoveredBy(
  deps: SidecarMemoryDeps,
  scope: ClusterScope,
  mesh: MeshEssentials | undefined,
  work: { data: NamespaceData; selectedPods?: V1Pod[] },
): Promise<{ namespaces?: string[]; error?: SourceError }> {
  const lists = mesh && selectorsFor(mesh, work.data, work.selectedPods);
  if (!lists) return {};
  try {
    const all = await deps.reads.namespaces(scope.client.cluster.name, {
      fresh: scope.fresh,
      userAuth: scope.userAuth,
    });
    const found = new Set<string>();
    for (const selectors of lists) {
      const discovered = discoveredNamespaces(selectors, all);
      if (!discovered) return {};
      discovered.forEach(ns => found.add(ns));
    }
    return { namespaces: all.map(ns => ns.name).filter(ns => found.has(ns)) };
  } catch (error) {
    return { error: toSourceError('kubernetes:namespaces', error) };
  }
}

/** Analyses one namespace once its reads, the mesh's facts and the last apply are in. */
export async function analyse(
  deps: SidecarMemoryDeps,
  work: NamespaceWork,
): Promise<SidecarMemoryItem> {
  const cluster = work.scope.client.cluster.name;
  const [mesh, data, lastApply] = await Promise.all([
    work.mesh,
    work.data,
    deps.applied.latest(cluster, work.namespace),
  ]);
  const discovered = await discoveredBy(deps, work.scope, mesh.essentials, {
    data,
    selectedPods: work.selectedPods,
  });
  return analyseNamespace({
    cluster,
    namespace: work.namespace,
    windowDays: WINDOW_DAYS,
    mesh: mesh.essentials,
    meshErrors: [mesh.error, discovered.error].filter(
      (e): e is SourceError => e !== undefined,
    ),
    discoveredNamespaces: discovered.namespaces,
    data,
    selectedPods: work.selectedPods,
    dependencies: work.dependencies,
    extraHosts: work.extraHosts,
    entity: work.entity,
    lastApply,
    settleMs: deps.settleMs,
    now: deps.now(),
  });
}

/**
 * An analysed part, kept on its own: one failing cluster makes the answer incomplete,
 * never the others' parts slow. Parts with errors are not kept, so they are retried.
 */
export async function keptAnalysis(
  deps: SidecarMemoryDeps,
  work: NamespaceWork,
): Promise<SidecarMemoryItem> {
  const { parts } = deps;
  if (work.scope.fresh || !parts) return analyse(deps, work);
  const digest = createHash('sha256')
    .update(
      JSON.stringify([
        work.namespace,
        (work.selectedPods ?? []).map(p => p.metadata?.name).sort(),
        work.dependencies,
        work.extraHosts ?? [],
        work.entity ?? null,
      ]),
    )
    .digest('hex');
  // v4: measured savings carry their outcome; parts kept without it are not read.
  const key = `sidecar-memory:part:v4:${work.scope.revision}:${work.scope.client.cluster.name}:${digest}`;
  const kept = await parts.get(key);
  if (kept) return kept;
  const item = await analyse(deps, work);
  if (item.errors.length === 0) await parts.set(key, item);
  return item;
}
