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

/** What is read of each related entity: its kind, name, annotations and relations. */
const FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.annotations',
  'relations',
];

/**
 * Services the entity depends on according to the catalog: `dependsOn` components and
 * the providers of the APIs it consumes, mapped to `<namespace>/<service>` through the
 * Kubernetes plugin's annotations (the service is named after `kubernetes-id`). Read on
 * behalf of the user, so entities they cannot see are ignored.
 *
 * Found through the reverse relations the catalog keeps (`dependencyOf`,
 * `apiConsumedBy` pointing at the entity), so the lookup needs only the entity's
 * reference and runs while the entity itself is being read.
 */
export async function catalogDependencies(
  ref: CompoundEntityRef,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<CatalogDependency[]> {
  // The catalog keeps relation targets lower-cased for filtering.
  const entityRef = stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  const { items } = await catalog.getEntities(
    {
      filter: [
        { [`relations.${RELATION_DEPENDENCY_OF}`]: entityRef },
        { [`relations.${RELATION_API_CONSUMED_BY}`]: entityRef },
      ],
      fields: FIELDS,
    },
    { credentials },
  );
  const components: Entity[] = [];
  const providerRefs: string[] = [];
  for (const related of items) {
    if (related.kind.toLowerCase() === 'api') {
      providerRefs.push(
        ...(related.relations ?? [])
          .filter(r => r.type === RELATION_API_PROVIDED_BY)
          .map(r => r.targetRef),
      );
    } else {
      components.push(related);
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
