import type { IstioMeshConfig, IstioSourceError } from './meshConfigTypes';
import type { IstioSidecarMemoryResponse } from './sidecarMemoryTypes';
import type { IstioClustersResponse, IstioToolLinks } from './types';

/**
 * One cluster an entity runs in, with what the entity's views show of its mesh.
 *
 * @public
 */
export interface IstioEntityClusterMesh {
  cluster: string;
  /** The cluster's tool links (Kiali, Jaeger, Grafana), as `GET /clusters` gives them. */
  links: IstioToolLinks;
  /**
   * The cluster's mesh as `GET /mesh-config` answers it (control planes with their
   * support verdicts, tracing…), keeping only the diagnostics that concern the entity's
   * namespaces in this cluster, by their `scope`. Absent when the mesh could not be
   * read: `errors` says why.
   */
  mesh?: IstioMeshConfig;
}

/**
 * Response of `GET /api/istio/entity`: everything an entity's Service Mesh tab and
 * overview card show, in one answer.
 *
 * @public
 */
export interface IstioEntityMeshResponse {
  entityRef: string;
  /** The configured clusters and the unusable ones, as `GET /clusters` answers. */
  clusters: IstioClustersResponse;
  /** The entity's sidecars, their memory and the recommendation, as `GET /sidecar-memory` answers. */
  sidecarMemory: IstioSidecarMemoryResponse;
  /** Each cluster of `sidecarMemory.items`, once, in that order. */
  meshes: IstioEntityClusterMesh[];
  /** Clusters whose mesh could not be read at all. */
  errors: Array<{ cluster: string } & IstioSourceError>;
}
