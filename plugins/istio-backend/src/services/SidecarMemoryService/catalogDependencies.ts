import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  RELATION_CONSUMES_API,
  RELATION_DEPENDS_ON,
  RELATION_API_PROVIDED_BY,
  stringifyEntityRef,
  type Entity,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { ANNOTATIONS } from '@istio-backstage/plugin-istio-common';

/**
 * Services the entity depends on according to the catalog: `dependsOn` components and
 * the providers of the APIs it consumes, mapped to `<namespace>/<service>` through the
 * Kubernetes plugin's annotations (the service is named after `kubernetes-id`). Read on
 * behalf of the user, so entities they cannot see are ignored.
 */
export async function catalogDependencies(
  entity: Entity,
  catalog: CatalogService,
  credentials: BackstageCredentials,
): Promise<Array<{ entityRef: string; namespace: string; service: string }>> {
  const refs = (entity.relations ?? [])
    .filter(
      r => r.type === RELATION_DEPENDS_ON || r.type === RELATION_CONSUMES_API,
    )
    .map(r => r.targetRef);
  if (refs.length === 0) return [];
  const { items } = await catalog.getEntitiesByRefs(
    { entityRefs: refs },
    { credentials },
  );
  const components: Entity[] = [];
  const providerRefs: string[] = [];
  for (const related of items) {
    if (!related) continue;
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
      { entityRefs: providerRefs },
      { credentials },
    );
    components.push(...(providers.items.filter(Boolean) as Entity[]));
  }
  const result = new Map<
    string,
    { entityRef: string; namespace: string; service: string }
  >();
  for (const component of components) {
    const annotations = component.metadata.annotations ?? {};
    const service = annotations[ANNOTATIONS.kubernetesId];
    const namespace = annotations[ANNOTATIONS.kubernetesNamespace];
    if (!service || !namespace) continue;
    const entityRef = stringifyEntityRef(component);
    result.set(entityRef, { entityRef, namespace, service });
  }
  return [...result.values()];
}
