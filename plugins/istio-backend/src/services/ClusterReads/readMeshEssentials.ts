import {
  toSourceError,
  type ClusterClient,
  type SourceError,
} from '@istio-backstage/plugin-istio-node';
import type { IstioMeshConfig } from '@istio-backstage/plugin-istio-common';
import { analyzeMesh } from '../../lib/mesh/analyzeMesh';
import {
  listIstioObjects,
  TELEMETRY_API,
} from '../../lib/kubernetes/listIstioObjects';
import { MESH_CONFIG_MAP_NAME } from '../../lib/mesh/meshConfigMaps';

/**
 * What a namespace analysis needs from its mesh: where the control planes run, tracing,
 * and the MeshConfig `discoverySelectors` that limit which namespaces istiod sees.
 */
export type MeshEssentials = Pick<
  IstioMeshConfig,
  'controlPlanes' | 'tracing' | 'discoverySelectors'
>;

/**
 * Reads only what {@link MeshEssentials} depends on — istiod Deployments, the MeshConfig
 * ConfigMaps in their namespaces and the Telemetry resources — instead of the whole
 * inventory (every pod of the cluster). Any failed read fails the whole: partial facts
 * here would silently move the root namespace or lose the tracing collector.
 *
 * @throws {@link MeshEssentialsError} naming the read that failed.
 */
export async function readMeshEssentials(
  client: ClusterClient,
): Promise<MeshEssentials> {
  const [deployments, telemetries] = await Promise.all([
    step('kubernetes:deployments', () =>
      client.read(apis =>
        apis.apps.listDeploymentForAllNamespaces({
          labelSelector: 'app=istiod',
        }),
      ),
    ),
    step('istio:telemetries', () =>
      listIstioObjects(client, TELEMETRY_API, 'telemetries'),
    ),
  ]);
  const namespaces = [
    ...new Set(deployments.items.map(d => d.metadata?.namespace ?? '')),
  ].filter(Boolean);
  const configMaps = (
    await Promise.all(
      namespaces.map(namespace =>
        step('kubernetes:configmaps', () =>
          client.read(apis => apis.core.listNamespacedConfigMap({ namespace })),
        ),
      ),
    )
  ).flatMap(list =>
    list.items.filter(c => MESH_CONFIG_MAP_NAME.test(c.metadata?.name ?? '')),
  );
  const { controlPlanes, tracing, discoverySelectors } = analyzeMesh(
    {
      deployments: deployments.items,
      configMaps,
      telemetries,
      prometheusConfigured: false,
      errors: [],
    },
    { cluster: client.cluster.name, now: new Date() },
  );
  return {
    controlPlanes,
    tracing,
    ...(discoverySelectors ? { discoverySelectors } : {}),
  };
}

/** A failed read of {@link readMeshEssentials}, as the answer reports it. */
export class MeshEssentialsError extends Error {
  constructor(readonly sourceError: SourceError) {
    super(sourceError.message);
    this.name = 'MeshEssentialsError';
  }
}

async function step<T>(source: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw new MeshEssentialsError(toSourceError(source, error));
  }
}
