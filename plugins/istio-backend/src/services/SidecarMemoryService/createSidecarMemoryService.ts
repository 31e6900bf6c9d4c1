import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import {
  toSourceError,
  type ClusterAccess,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import type { V1Pod } from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import type { AnswerCache } from '../../lib/answerCache';
import type { WireList } from '../../lib/kubernetes/listPaged';
import { discoveredNamespaces } from '../../lib/mesh/discoverySelectors';
import { SharedReads } from '../../lib/sharedReads';
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
import { readEntityWithDependencies } from './entityWithDependencies';
import {
  checkNamespace,
  entitySelection,
  type EntitySelection,
} from './entitySelection';
import { NamespaceHints } from './namespaceHints';
import { podsPath, readNamespace, type NamespaceData } from './readNamespace';
import type { SidecarMemoryService } from './types';

const WINDOW_DAYS = 7;

/** The mesh's control planes and tracing, or why they are unknown. */
type MeshRead = { essentials?: MeshEssentials; error?: SourceError };

/** One cluster as a request reads it. */
interface ClusterScope {
  client: ClusterClient;
  /** Read everything now, reusing nothing (before a write). */
  fresh: boolean;
  /** The applied-Sidecar store's revision: what was read under another is not reused. */
  revision: string;
}

/** What one namespace of an answer is analysed from (its reads may still be in flight). */
interface NamespaceWork {
  scope: ClusterScope;
  namespace: string;
  /** Awaited together, so a slow Prometheus costs one timeout, not two in a row. */
  mesh: Promise<MeshRead>;
  data: Promise<NamespaceData>;
  selectedPods?: V1Pod[];
  dependencies: CatalogDependency[];
  extraHosts?: string[];
}

/** Builds the {@link SidecarMemoryService}. */
export function createSidecarMemoryService(options: {
  clusters: ClusterAccess;
  /** The clusters' mesh-wide reads (Services, Sidecars, control planes, memory fit…). */
  reads: ClusterReads;
  catalog: CatalogService;
  applied: AppliedSidecarStore;
  logger: LoggerService;
  /** Seconds after an apply before memory counts as "after" (proxies settle). */
  settleSeconds?: number;
  /** How long a namespace's reads are reused by the next requests; 0 = only in flight. */
  reuseMs?: number;
  /** Where analysed parts of answers are kept (per cluster × namespace); none when absent. */
  parts?: AnswerCache<SidecarMemoryItem>;
  now?: () => Date;
}): SidecarMemoryService {
  const { clusters, reads, catalog, applied } = options;
  const settleMs = (options.settleSeconds ?? 60) * 1000;
  const now = options.now ?? (() => new Date());
  const namespaceReads = new SharedReads<NamespaceData>(options.reuseMs ?? 0);
  const namespaceHints = new NamespaceHints();

  /** The control planes and tracing; a failed read is an error of the answer. */
  async function meshOf({ client, fresh }: ClusterScope): Promise<MeshRead> {
    try {
      return {
        essentials: await reads.essentials(client.cluster.name, { fresh }),
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
  function namespaceRead(
    scope: ClusterScope,
    namespace: string,
  ): Promise<NamespaceData> {
    const { client, fresh, revision } = scope;
    const read = () =>
      readNamespace({
        client,
        reads,
        namespace,
        windowDays: WINDOW_DAYS,
        fresh,
        appliedRevision: revision,
      });
    if (fresh) return read();
    const key = `${client.cluster.name}/${namespace}@${revision}`;
    return namespaceReads.get(key, read, data => data.errors.length === 0);
  }

  /**
   * The namespaces istiod discovers, when MeshConfig `discoverySelectors` limit them
   * (undefined: all). Read only then; a failed read leaves them unknown (all), and is
   * an error of the answer.
   */
  async function discoveredBy(
    scope: ClusterScope,
    mesh: MeshEssentials | undefined,
  ): Promise<{ namespaces?: string[]; error?: SourceError }> {
    const selectors = mesh?.discoverySelectors;
    if (!selectors?.length) return {};
    try {
      const all = await reads.namespaces(scope.client.cluster.name, {
        fresh: scope.fresh,
      });
      return { namespaces: discoveredNamespaces(selectors, all) };
    } catch (error) {
      return { error: toSourceError('kubernetes:namespaces', error) };
    }
  }

  async function analyse(work: NamespaceWork): Promise<SidecarMemoryItem> {
    const cluster = work.scope.client.cluster.name;
    const [mesh, data, lastApply] = await Promise.all([
      work.mesh,
      work.data,
      applied.latest(cluster, work.namespace),
    ]);
    const discovered = await discoveredBy(work.scope, mesh.essentials);
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
      lastApply,
      settleMs,
      now: now(),
    });
  }

  /**
   * An analysed part, kept on its own: one failing cluster makes the answer incomplete,
   * never the others' parts slow. Parts with errors are not kept, so they are retried.
   */
  async function keptAnalysis(work: NamespaceWork): Promise<SidecarMemoryItem> {
    const { parts } = options;
    if (work.scope.fresh || !parts) return analyse(work);
    const digest = createHash('sha256')
      .update(
        JSON.stringify([
          work.namespace,
          (work.selectedPods ?? []).map(p => p.metadata?.name).sort(),
          work.dependencies,
          work.extraHosts ?? [],
        ]),
      )
      .digest('hex');
    const key = `sidecar-memory:part:v1:${work.scope.revision}:${work.scope.client.cluster.name}:${digest}`;
    const kept = await parts.get(key);
    if (kept) return kept;
    const item = await analyse(work);
    if (item.errors.length === 0) await parts.set(key, item);
    return item;
  }

  /**
   * The entity's parts in one cluster. The annotated namespace (or, without one, where
   * the entity's pods were last found) is read alongside the entity's pods rather than
   * after them — unless the cluster is shedding load (429/503 lately): then the pods
   * read goes alone first, and its failure is all the server gets.
   */
  async function entityPartsIn(
    scope: ClusterScope,
    selection: EntitySelection,
    dependencyRead: Promise<CatalogDependency[]>,
    extraHosts: string[] | undefined,
  ): Promise<SidecarMemoryItem[]> {
    const { client } = scope;
    const cluster = client.cluster.name;
    const ahead =
      selection.namespace !== undefined
        ? [selection.namespace]
        : namespaceHints.get(cluster, selection.labelSelector);
    const early =
      ahead.length > 0 && !client.pushingBack()
        ? {
            mesh: meshOf(scope),
            reads: new Map(ahead.map(ns => [ns, namespaceRead(scope, ns)])),
          }
        : undefined;
    // Not awaited when the pods read fails, or when a hint was wrong.
    early?.reads.forEach(read => read.catch(() => {}));
    const entityPods = await readEntityPods(client, selection);
    const namespaces = namespacesOf(entityPods);
    if (selection.namespace === undefined)
      namespaceHints.remember(cluster, selection.labelSelector, namespaces);
    if (namespaces.length === 0) return [];
    const mesh = early?.mesh ?? meshOf(scope);
    // The cluster is read while the catalog still answers: the dependencies are
    // needed only for the analysis (and its key).
    const data = new Map(
      namespaces.map(ns => [
        ns,
        early?.reads.get(ns) ?? namespaceRead(scope, ns),
      ]),
    );
    const dependencies = await dependencyRead;
    return Promise.all(
      namespaces.map(namespace =>
        keptAnalysis({
          scope,
          namespace,
          mesh,
          data: data.get(namespace)!,
          selectedPods: entityPods.filter(
            p => p.metadata?.namespace === namespace,
          ),
          dependencies,
          extraHosts,
        }),
      ),
    );
  }

  async function entityAnswer(
    request: { entityRef: string; extraHosts?: string[] },
    {
      credentials,
      fresh,
    }: Parameters<SidecarMemoryService['getSidecarMemory']>[1],
  ): Promise<IstioSidecarMemoryResponse> {
    const ref = parseRef(request.entityRef);
    // Read on behalf of the caller: an entity they cannot see answers like a missing one.
    const [found, revision] = await Promise.all([
      readEntityWithDependencies(ref, catalog, credentials),
      applied.revision(),
    ]);
    if (!found) throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    // The dependencies may still be read (providers of consumed APIs): only the
    // analysis needs them, so the cluster is read meanwhile.
    const { entity, dependencies } = found;
    const selection = entitySelection(entity);
    const names = selection.cluster
      ? [clusters.get(selection.cluster).cluster.name]
      : clusters.names();
    const [results] = await Promise.all([
      clusters.fanOut(names, client =>
        entityPartsIn(
          { client, fresh: fresh ?? false, revision },
          selection,
          dependencies,
          request.extraHosts,
        ),
      ),
      dependencies,
    ]);
    const response: IstioSidecarMemoryResponse = {
      entityRef: stringifyEntityRef(entity),
      items: [],
      errors: [],
    };
    for (const result of results) {
      if (result.ok) response.items.push(...result.value);
      else response.errors.push({ cluster: result.cluster, ...result.error });
    }
    return response;
  }

  return {
    async getSidecarMemory(request, readOptions) {
      if (!('namespace' in request)) return entityAnswer(request, readOptions);
      const scope: ClusterScope = {
        client: clusters.get(request.cluster),
        fresh: readOptions.fresh ?? false,
        revision: await applied.revision(),
      };
      const namespace = checkNamespace(request.namespace);
      const item = await analyse({
        scope,
        namespace,
        mesh: meshOf(scope),
        data: namespaceRead(scope, namespace),
        dependencies: [],
        extraHosts: request.extraHosts,
      });
      return { items: [item], errors: [] };
    },
  };
}

function parseRef(entityRef: string): CompoundEntityRef {
  try {
    return parseEntityRef(entityRef);
  } catch (error) {
    throw new InputError(`Malformed entityRef: ${(error as Error).message}`);
  }
}

/** The entity's pods, found by its label selector (in its namespace when annotated). */
async function readEntityPods(
  client: ClusterClient,
  selection: EntitySelection,
): Promise<V1Pod[]> {
  const pods = await client.read(apis =>
    apis.getJson<WireList<V1Pod>>(podsPath(selection.namespace), {
      labelSelector: selection.labelSelector,
    }),
  );
  return pods.items ?? [];
}

/** The namespaces the pods run in, sorted. */
function namespacesOf(pods: V1Pod[]): string[] {
  return [...new Set(pods.map(p => p.metadata?.namespace ?? ''))]
    .filter(Boolean)
    .sort();
}
