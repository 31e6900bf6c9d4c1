import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  RELATION_API_CONSUMED_BY,
  RELATION_API_PROVIDED_BY,
  RELATION_DEPENDENCY_OF,
  stringifyEntityRef,
  type CompoundEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS } from '@istio-backstage/plugin-istio-common';

/** A service the entity depends on, as the Sidecar recommendation needs it. */
export interface CatalogDependency {
  entityRef: string;
  namespace: string;
  service: string;
}

/** What is read of the entity and its related entities: kind, name, annotations, relations. */
const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'relations',
];

/** An entity as this plugin reads it, and the services it depends on. */
export interface EntityWithDependencies {
  /** The entity, with the fields above only. */
  entity: Entity;
  /** Still being read when the entity consumes APIs (their providers are one more lookup). */
  dependencies: Promise<CatalogDependency[]>;
}

/**
 * The entity and the services it depends on according to the catalog: `dependsOn`
 * components and the providers of the APIs it consumes, mapped to
 * `<namespace>/<service>` through the Kubernetes plugin's annotations (the service is
 * named after `kubernetes-id`). Undefined when there is no such entity. Read on behalf
 * of the user, so entities they cannot see are missing or ignored.
 *
 * One catalog query finds the entity and what points back at it (`dependencyOf`,
 * `apiConsumedBy`): each catalog request is an HTTP round trip with its own sign-in
 * and permission check, which costs more than the query itself.
 */
export async function readEntityWithDependencies(
  ref: CompoundEntityRef,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<EntityWithDependencies | undefined> {
  // The catalog keeps relation targets lower-cased for filtering.
  const entityRef = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  const { items } = await catalog.getEntities(
    {
      filter: [
        {
          kind: ref.kind,
          'metadata.namespace': ref.namespace,
          'metadata.name': ref.name,
        },
        { [`relations.${RELATION_DEPENDENCY_OF}`]: entityRef },
        { [`relations.${RELATION_API_CONSUMED_BY}`]: entityRef },
      ],
      fields: FIELDS,
    },
    { credentials },
  );
  const isEntity = (e: Entity) =>
    stringifyEntityRef(e).toLocaleLowerCase('en-US') === entityRef;
  const entity = items.find(isEntity);
  if (!entity) return undefined;
  const pointingBack = (e: Entity, type: string) =>
    (e.relations ?? []).some(
      r =>
        r.type === type && r.targetRef.toLocaleLowerCase('en-US') === entityRef,
    );
  const related = items.filter(
    e =>
      !isEntity(e) ||
      pointingBack(e, RELATION_DEPENDENCY_OF) ||
      pointingBack(e, RELATION_API_CONSUMED_BY),
  );
  const dependencies = dependenciesAmong(related, catalog, credentials);
  dependencies.catch(() => {}); // the caller awaits it later, and gets the failure then
  return { entity, dependencies };
}

/** Components among the related entities, and the providers of the APIs among them. */
async function dependenciesAmong(
  related: Entity[],
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<CatalogDependency[]> {
  const components: Entity[] = [];
  const providerRefs: string[] = [];
  for (const entity of related) {
    if (entity.kind.toLowerCase() === 'api') {
      providerRefs.push(
        ...(entity.relations ?? [])
          .filter(r => r.type === RELATION_API_PROVIDED_BY)
          .map(r => r.targetRef),
      );
    } else {
      components.push(entity);
    }
  }
  if (providerRefs.length > 0) {
    const providers = await catalog.getEntitiesByRefs(
      { entityRefs: providerRefs, fields: FIELDS },
      { credentials },
    );
    components.push(...(providers.items.filter(Boolean) as Entity[]));
  }
  const result = new Map<string, CatalogDependency>();
  for (const component of components) {
    const annotations = component.metadata.annotations ?? {};
    const service = annotations[ANNOTATIONS.kubernetesId];
    const namespace = annotations[ANNOTATIONS.kubernetesNamespace];
    if (!service || !namespace) continue;
    const dependencyRef = stringifyEntityRef(component);
    result.set(dependencyRef, { entityRef: dependencyRef, namespace, service });
  }
  return [...result.values()].sort((a, b) =>
    a.entityRef.localeCompare(b.entityRef),
  );
}
