import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { IstioMeshConfigResponse } from '@istio-backstage/plugin-istio-common';
import type { MeshEssentials } from './readMeshEssentials';

/** Reads the installed mesh of the configured clusters. */
export interface MeshConfigService {
  /** One cluster by configured name, or all clusters when `cluster` is omitted. */
  getMeshConfig(
    request: { cluster?: string },
    options: { credentials: BackstageCredentials },
  ): Promise<IstioMeshConfigResponse>;

  /**
   * The control planes and tracing of one configured cluster: from the background
   * read or the kept mesh config when there is one, otherwise a light read (never the
   * whole inventory).
   * Throws when the cluster could not be read.
   */
  getMeshEssentials(cluster: string): Promise<MeshEssentials>;
}
