import type {
  BackstageCredentials,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { RELATION_OWNED_BY, type Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS } from '@istio-backstage/plugin-istio-common';
import type { V1Pod } from '@kubernetes/client-node';

/** The catalog and user facts a caller's ownership is read from. */
export interface OwnershipDeps {
  catalog: CatalogService;
  userInfo: UserInfoService;
}

/** What one caller owns: their user and groups, and the entities behind pods. */
export interface CallerOwnership {
  /** The caller's user ref and the groups they belong to (full refs). */
  refs: readonly string[];
  /** Whether the entity names one of `refs` as its owner. */
  ownsEntity(entity: Entity): boolean;
  /**
   * Which of the pods are not the caller's: a pod labelled
   * `backstage.io/kubernetes-id=<id>` belongs to the entities annotated with that id
   * (as the caller sees the catalog), and is the caller's when one of them is; an
   * unlabelled pod is the caller's only when it is one of `entityPods` (the requesting
   * entity's own) and the caller owns that entity.
   */
  podsNotOwned(
    pods: readonly V1Pod[],
    entity: { entity: Entity; pods: ReadonlySet<string> },
  ): Promise<V1Pod[]>;
}

const idOf = (pod: V1Pod) =>
  pod.metadata?.labels?.[ANNOTATIONS.kubernetesId] || undefined;

/**
 * The caller's ownership, read on their behalf: the catalog answers only what they may
 * see, so a pod of an entity hidden from them is never theirs.
 */
export async function callerOwnership(
  deps: OwnershipDeps,
  credentials: BackstageCredentials,
): Promise<CallerOwnership> {
  const { ownershipEntityRefs } = await deps.userInfo.getUserInfo(credentials);
  const refs = new Set(ownershipEntityRefs);
  const ownsEntity = (entity: Entity) =>
    (entity.relations ?? []).some(
      r => r.type === RELATION_OWNED_BY && refs.has(r.targetRef),
    );

  /** The kubernetes-ids among `ids` that some entity the caller owns is annotated with. */
  async function ownedIds(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { items } = await deps.catalog.getEntities(
      {
        filter: {
          [`metadata.annotations.${ANNOTATIONS.kubernetesId}`]: [...ids],
        },
        fields: ['kind', 'metadata', 'relations'],
      },
      { credentials },
    );
    return new Set(
      items
        .filter(ownsEntity)
        .map(e => e.metadata.annotations?.[ANNOTATIONS.kubernetesId] ?? ''),
    );
  }

  return {
    refs: [...refs],
    ownsEntity,
    async podsNotOwned(pods, { entity, pods: entityPods }) {
      const owned = await ownedIds([
        ...new Set(pods.map(idOf).filter((id): id is string => !!id)),
      ]);
      const ownsRequesting = ownsEntity(entity);
      return pods.filter(pod => {
        const id = idOf(pod);
        if (id) return !owned.has(id);
        return !(ownsRequesting && entityPods.has(pod.metadata?.name ?? ''));
      });
    },
  };
}
