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
import type { MeshInventory } from '../../lib/mesh/inventory';
import {
  MESH_CONFIG_MAP_NAME,
  REVISION_TAG_WEBHOOKS,
  sharedMeshConfigNames,
} from '../../lib/mesh/meshConfigMaps';
import type { RevisionMeshConfig } from '../../lib/mesh/meshConfigs';
import { meshRevisions, slimTelemetriesOf } from '../../lib/mesh/meshRevisions';
import type { RevisionTag } from '../../lib/mesh/revisions';
import type { SlimTelemetry } from '../../lib/mesh/telemetry';
import { readRevisionTags } from '../../lib/kubernetes/readRevisionTags';

/**
 * What a namespace analysis needs from its mesh: where the control planes run, each
 * revision's MeshConfig (tracing defaults and providers, outbound policy, discovery
 * selectors, root namespace), the revision tags and the Telemetry resources (cut to
 * what decides tracing). `tracing` and `discoverySelectors` are the `default`
 * revision's (else the first one's), kept for compatibility.
 */
export type MeshEssentials = Pick<
  IstioMeshConfig,
  'controlPlanes' | 'tracing' | 'discoverySelectors'
> & {
  /** Each control plane revision's MeshConfig, as its istiod reads it. */
  revisions: RevisionMeshConfig[];
  /** The revision tags; undefined when they could not be read (`tagsError` says why). */
  revisionTags?: RevisionTag[];
  /** Why the revision tags are unknown: an error of the answers that depend on them. */
  tagsError?: SourceError;
  /** Every Telemetry resource, cut to what decides tracing. */
  telemetries: SlimTelemetry[];
};

/**
 * The essentials of a read (a whole-mesh one, or {@link readMeshEssentials}'s own):
 * `read` must hold the istiod Deployments, the MeshConfig ConfigMaps, the Telemetries
 * and the revision tags (or the error of their read); `analysed` is the mesh model
 * made from it.
 */
export function meshEssentialsOf(
  read: MeshInventory,
  analysed: Pick<
    IstioMeshConfig,
    'controlPlanes' | 'tracing' | 'discoverySelectors'
  >,
): MeshEssentials {
  const { controlPlanes, tracing, discoverySelectors } = analysed;
  const tagsError = read.errors.find(
    e => e.source === REVISION_TAG_WEBHOOKS.source,
  );
  return {
    controlPlanes,
    tracing,
    ...(discoverySelectors ? { discoverySelectors } : {}),
    revisions: meshRevisions(read, controlPlanes).revisions.map(r => r.config),
    ...(read.revisionTags ? { revisionTags: read.revisionTags } : {}),
    ...(tagsError && !read.revisionTags
      ? { tagsError: tagsError as SourceError }
      : {}),
    telemetries: slimTelemetriesOf(read) ?? [],
  };
}

/**
 * Reads only what {@link MeshEssentials} depends on — istiod Deployments, the MeshConfig
 * ConfigMaps in their namespaces (namespaced reads only), the Telemetry resources and
 * the revision tags — instead of the whole inventory (every pod of the cluster). A
 * failed read of the Deployments, ConfigMaps or Telemetries fails the whole: partial
 * facts here would silently move the root namespace or lose the tracing collector. A
 * failed read of the tags leaves them unknown (`tagsError`), for the answers whose
 * revisions depend on them to report.
 *
 * @throws {@link MeshEssentialsError} naming the read that failed.
 */
export async function readMeshEssentials(
  client: ClusterClient,
): Promise<MeshEssentials> {
  const [deployments, telemetries, tags] = await Promise.all([
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
    readRevisionTags(client).then(
      revisionTags => ({ revisionTags }),
      error => ({
        error: toSourceError(REVISION_TAG_WEBHOOKS.source, error),
      }),
    ),
  ]);
  const namespaces = [
    ...new Set(deployments.items.map(d => d.metadata?.namespace ?? '')),
  ].filter(Boolean);
  const shared = sharedMeshConfigNames(deployments.items);
  const configMaps = (
    await Promise.all(
      namespaces.map(namespace =>
        step('kubernetes:configmaps', () =>
          client.read(apis => apis.core.listNamespacedConfigMap({ namespace })),
        ),
      ),
    )
  ).flatMap(list =>
    list.items.filter(c => {
      const name = c.metadata?.name ?? '';
      return MESH_CONFIG_MAP_NAME.test(name) || shared.includes(name);
    }),
  );
  const read: MeshInventory = {
    deployments: deployments.items,
    configMaps,
    telemetries,
    ...('revisionTags' in tags ? { revisionTags: tags.revisionTags } : {}),
    prometheusConfigured: false,
    errors: 'error' in tags ? [tags.error] : [],
  };
  return meshEssentialsOf(
    read,
    analyzeMesh(read, { cluster: client.cluster.name, now: new Date() }),
  );
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
