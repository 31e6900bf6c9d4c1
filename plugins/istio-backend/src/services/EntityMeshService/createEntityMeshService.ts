import {
  diagnosticConcernsNamespaces,
  type IstioEntityClusterMesh,
  type IstioEntityMeshResponse,
  type IstioMeshConfig,
  type IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import { clustersSummary } from '../../lib/toClusterSummary';
import type { MeshConfigService } from '../MeshConfigService';
import type { SidecarMemoryService } from '../SidecarMemoryService';
import type { EntityMeshService } from './types';

/** The entity's namespaces in each cluster it runs in, clusters in answer order. */
function namespacesByCluster(
  memory: IstioSidecarMemoryResponse,
): Map<string, Set<string>> {
  const byCluster = new Map<string, Set<string>>();
  for (const { cluster, namespace } of memory.items) {
    const namespaces = byCluster.get(cluster) ?? new Set<string>();
    namespaces.add(namespace);
    byCluster.set(cluster, namespaces);
  }
  return byCluster;
}

/** The mesh with only the diagnostics that concern these namespaces. */
function narrowedTo(
  mesh: IstioMeshConfig,
  namespaces: ReadonlySet<string>,
): IstioMeshConfig {
  return {
    ...mesh,
    diagnostics: mesh.diagnostics.filter(d =>
      diagnosticConcernsNamespaces(d, namespaces),
    ),
  };
}

/**
 * Builds the {@link EntityMeshService} from the services that already read the mesh:
 * the entity's sidecar-memory answer first (it says which clusters and namespaces the
 * entity runs in), then the mesh of each of those clusters, in parallel. It reads
 * nothing itself, so what is kept and reused stays that of the services it asks.
 */
export function createEntityMeshService(deps: {
  clusters: Pick<ClusterAccess, 'configs' | 'unusable'>;
  meshConfig: MeshConfigService;
  sidecarMemory: SidecarMemoryService;
}): EntityMeshService {
  return {
    async getEntityMesh({ entityRef }, options) {
      const clusters = clustersSummary(deps.clusters);
      const sidecarMemory = await deps.sidecarMemory.getSidecarMemory(
        { entityRef },
        options,
      );
      const byCluster = namespacesByCluster(sidecarMemory);
      const answers = await Promise.all(
        [...byCluster.keys()].map(cluster =>
          deps.meshConfig.getMeshConfig({ cluster }, options),
        ),
      );
      const meshes: IstioEntityClusterMesh[] = [...byCluster].map(
        ([cluster, namespaces], i) => {
          const mesh = answers[i].items.find(m => m.cluster === cluster);
          return {
            cluster,
            links: clusters.items.find(c => c.name === cluster)?.links ?? {},
            ...(mesh ? { mesh: narrowedTo(mesh, namespaces) } : {}),
          };
        },
      );
      const response: IstioEntityMeshResponse = {
        entityRef: sidecarMemory.entityRef ?? entityRef,
        clusters,
        sidecarMemory,
        meshes,
        errors: answers.flatMap(a => a.errors),
      };
      return response;
    },
  };
}
