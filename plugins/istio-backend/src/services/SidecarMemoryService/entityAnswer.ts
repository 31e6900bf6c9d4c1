import {
  parseEntityRef,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import type { IstioSidecarMemoryResponse } from '@istio-backstage/plugin-istio-common';
import type { ClusterClient } from '@istio-backstage/plugin-istio-node';
import type { V1Pod } from '@kubernetes/client-node';
import type { WireList } from '../../lib/kubernetes/listPaged';
import type { EntityScope } from '../../lib/sidecar/types';
import type { CatalogDependency, SidecarMemoryItem } from './analyseNamespace';
import { readEntityWithDependencies } from './entityWithDependencies';
import { entitySelection, type EntitySelection } from './entitySelection';
import {
  keptAnalysis,
  meshOf,
  namespaceRead,
  scopeOf,
  type ClusterScope,
  type SidecarMemoryDeps,
} from './namespaceParts';
import { podsPath } from './readNamespace';
import type { SidecarMemoryService } from './types';
import { callerOwnership } from '../../lib/ownership/callerOwnership';
import { callerScopedAnalysis } from './callerNamespaceScope';

/**
 * The answer for an entity: the entity and its dependencies from the catalog (on behalf
 * of the caller), its pods in each cluster it may run in, each of their namespaces analysed.
 */
export async function entityAnswer(
  deps: SidecarMemoryDeps,
  request: { entityRef: string; extraHosts?: string[] },
  {
    credentials,
    fresh,
    userAuth,
  }: Parameters<SidecarMemoryService['getSidecarMemory']>[1],
): Promise<IstioSidecarMemoryResponse> {
  const ref = parseRef(request.entityRef);
  // Read on behalf of the caller: an entity they cannot see answers like a missing one.
  const [found, revision] = await Promise.all([
    readEntityWithDependencies(ref, deps.catalog, credentials),
    deps.applied.revision(),
  ]);
  if (!found) throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
  // The dependencies may still be read (providers of consumed APIs): only the
  // analysis needs them, so the cluster is read meanwhile.
  const { entity, dependencies } = found;
  const selection = entitySelection(entity);
  // Read only when a namespace-wide recommendation must be checked, once per request.
  let ownership: ReturnType<typeof callerOwnership> | undefined;
  const caller = {
    entity,
    ownership: () => (ownership ??= callerOwnership(deps, credentials)),
  };
  const names = selection.cluster
    ? [deps.clusters.get(selection.cluster).cluster.name]
    : deps.clusters.names();
  const [results] = await Promise.all([
    deps.clusters.fanOut(
      names,
      client =>
        entityPartsIn(
          deps,
          scopeOf(client, { fresh, revision, userAuth }),
          selection,
          dependencies,
          request.extraHosts,
          entityScopeOf(entity, selection),
          caller,
        ),
      userAuth,
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

/**
 * The entity's parts in one cluster. The annotated namespace (or, without one, where
 * the entity's pods were last found) is read alongside the entity's pods rather than
 * after them — unless the cluster is shedding load (429/503 lately): then the pods
 * read goes alone first, and its failure is all the server gets.
 */
async function entityPartsIn(
  deps: SidecarMemoryDeps,
  scope: ClusterScope,
  selection: EntitySelection,
  dependencyRead: Promise<CatalogDependency[]>,
  extraHosts: string[] | undefined,
  entity: EntityScope,
  caller: Parameters<typeof callerScopedAnalysis>[3],
): Promise<SidecarMemoryItem[]> {
  const { client } = scope;
  const cluster = client.cluster.name;
  const ahead =
    selection.namespace !== undefined
      ? [selection.namespace]
      : deps.namespaceHints.get(cluster, selection.labelSelector);
  const early =
    ahead.length > 0 && !client.pushingBack()
      ? {
          mesh: meshOf(deps, scope),
          reads: new Map(ahead.map(ns => [ns, namespaceRead(deps, scope, ns)])),
        }
      : undefined;
  // Not awaited when the pods read fails, or when a hint was wrong.
  early?.reads.forEach(read => read.catch(() => {}));
  const entityPods = await readEntityPods(client, selection);
  const namespaces = namespacesOf(entityPods);
  if (selection.namespace === undefined)
    deps.namespaceHints.remember(cluster, selection.labelSelector, namespaces);
  if (namespaces.length === 0) return [];
  const mesh = early?.mesh ?? meshOf(deps, scope);
  // The cluster is read while the catalog still answers: the dependencies are
  // needed only for the analysis (and its key).
  const data = new Map(
    namespaces.map(ns => [
      ns,
      early?.reads.get(ns) ?? namespaceRead(deps, scope, ns),
    ]),
  );
  const dependencies = await dependencyRead;
  return Promise.all(
    namespaces.map(async namespace => {
      const work = {
        scope,
        namespace,
        mesh,
        data: data.get(namespace)!,
        selectedPods: entityPods.filter(
          p => p.metadata?.namespace === namespace,
        ),
        dependencies,
        extraHosts,
        entity,
      };
      const item = await keptAnalysis(deps, work);
      return callerScopedAnalysis(deps, work, item, caller);
    }),
  );
}

/** The entity as the recommendation scopes it: its name and how its pods are matched. */
function entityScopeOf(
  entity: Entity,
  selection: EntitySelection,
): EntityScope {
  return {
    name: entity.metadata.name,
    labelSelector: selection.labelSelector,
    ...(selection.matchLabels ? { matchLabels: selection.matchLabels } : {}),
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
