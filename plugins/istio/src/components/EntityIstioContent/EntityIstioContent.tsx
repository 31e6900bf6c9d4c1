import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATIONS,
  isIstioAvailable,
  type IstioDiagnostic,
  type IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { istioApiRef } from '../../api';
import { toolLinks } from '../../lib/links';
import { DiagnosticsCard } from '../DiagnosticsCard';
import { LinksCard } from '../LinksCard';
import { MeshStatusCard } from '../MeshStatusCard';
import { SidecarScopingCard } from '../SidecarScopingCard';
import { TracingCard } from '../TracingCard';

const README_URL =
  'https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity';

/** Mesh-wide problems that affect every workload, shown on each entity. */
const MESH_WIDE = /^IBS-(TRACING|VERSION|CNI|IMAGE|PROXY)-/;

/**
 * The "Service Mesh" entity tab.
 *
 * @public
 */
export function EntityIstioContent() {
  const { entity } = useEntity();
  if (!isIstioAvailable(entity)) {
    return (
      <MissingAnnotationEmptyState
        annotation={[
          ANNOTATIONS.kubernetesId,
          ANNOTATIONS.kubernetesLabelSelector,
        ]}
        readMoreUrl={README_URL}
      />
    );
  }
  return <ServiceMesh />;
}

function ServiceMesh() {
  const { entity } = useEntity();
  const istioApi = useApi(istioApiRef);
  const entityRef = stringifyEntityRef(entity);
  const state = useAsyncRetry(async () => {
    const [clusters, memory] = await Promise.all([
      istioApi.getClusters(),
      istioApi.getSidecarMemory({ entityRef }),
    ]);
    const names = [...new Set(memory.items.map(i => i.cluster))];
    const meshes = await Promise.all(
      names.map(cluster => istioApi.getMeshConfig({ cluster })),
    );
    const meshByCluster: Record<string, IstioMeshConfig | undefined> = {};
    for (const response of meshes)
      for (const mesh of response.items) meshByCluster[mesh.cluster] = mesh;
    return { clusters, memory, meshByCluster };
  }, [istioApi, entityRef]);

  // A reload after an apply keeps the cards on screen instead of a spinner.
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { clusters, memory, meshByCluster } = state.value!;
  const annotations = entity.metadata.annotations ?? {};

  if (memory.items.length === 0) {
    return (
      <Grid container spacing={3}>
        {memory.errors.map(e => (
          <Grid item xs={12} key={e.cluster}>
            <WarningPanel
              severity="error"
              title={`Cluster ${e.cluster} could not be read`}
              message={`${e.errorType}: ${e.message}`}
            />
          </Grid>
        ))}
        <Grid item xs={12} md={6}>
          <InfoCard title="Workloads in the mesh">
            <StructuredMetadataTable
              metadata={{
                'Pod selector':
                  annotations[ANNOTATIONS.kubernetesLabelSelector] ??
                  `${ANNOTATIONS.kubernetesId}=${
                    annotations[ANNOTATIONS.kubernetesId]
                  }`,
                Namespace:
                  annotations[ANNOTATIONS.kubernetesNamespace] ??
                  'any namespace',
                Result: memory.errors.length
                  ? 'unknown (see the errors above)'
                  : 'no pods found in any configured cluster',
              }}
            />
          </InfoCard>
        </Grid>
      </Grid>
    );
  }

  const namespaces = new Set(memory.items.map(i => i.namespace));
  const diagnostics: IstioDiagnostic[] = Object.values(meshByCluster)
    .flatMap(m => m?.diagnostics ?? [])
    .filter(
      d =>
        (d.object?.namespace && namespaces.has(d.object.namespace)) ||
        MESH_WIDE.test(d.code),
    );
  const first = memory.items[0];
  const app = first.proxies.find(p => p.app)?.app ?? entity.metadata.name;
  const service =
    annotations[ANNOTATIONS.jaegerService] ?? `${app}.${first.namespace}`;
  const clusterLinks =
    clusters.items.find(c => c.name === first.cluster)?.links ?? {};
  const jaegerUrl = clusterLinks.jaegerUrl;
  const workload = first.proxies.find(p => p.workload)?.workload;
  const links = toolLinks(clusterLinks, {
    namespace: annotations[ANNOTATIONS.kialiNamespace] ?? first.namespace,
    app,
    workload,
    service: app,
    jaegerService: service,
  });

  return (
    <Grid container spacing={3}>
      {memory.errors.map(e => (
        <Grid item xs={12} key={e.cluster}>
          <WarningPanel
            severity="error"
            title={`Cluster ${e.cluster} could not be read`}
            message={`${e.errorType}: ${e.message}. The other clusters are shown.`}
          />
        </Grid>
      ))}
      <Grid item xs={12} md={6}>
        <MeshStatusCard memory={memory} meshByCluster={meshByCluster} />
      </Grid>
      <Grid item xs={12} md={6}>
        <TracingCard
          mesh={meshByCluster[first.cluster]}
          jaegerUrl={jaegerUrl}
          service={service}
          diagnostics={diagnostics}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <LinksCard links={links} />
      </Grid>
      {memory.items.map(item => (
        <Grid item xs={12} key={`${item.cluster}/${item.namespace}`}>
          <SidecarScopingCard
            item={item}
            entityRef={entityRef}
            onApplied={state.retry}
          />
        </Grid>
      ))}
      <Grid item xs={12}>
        <DiagnosticsCard diagnostics={diagnostics} />
      </Grid>
    </Grid>
  );
}
