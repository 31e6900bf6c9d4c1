import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
  WarningPanel,
} from '@backstage/core-components';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATIONS,
  isIstioAvailable,
  type IstioClustersResponse,
  type IstioDiagnostic,
  type IstioEntityMeshResponse,
  type IstioMeshConfig,
  type IstioSidecarMemoryResponse,
  type IstioToolLinks,
} from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { useIstioApi, type IstioApi } from '../../api';
import { toolLinks } from '../../lib/links';
import { describeSourceError } from '../../lib/meshStatus';
import { istioTranslationRef } from '../../translation';
import { DiagnosticsCard } from '../DiagnosticsCard';
import { LinksCard } from '../LinksCard';
import { MeshStatusCard } from '../MeshStatusCard';
import { SidecarScopingCard } from '../SidecarScopingCard';
import { TracingCard } from '../TracingCard';
import { UnusableClusters } from '../UnusableClusters';

const README_URL =
  'https://backstage.io/docs/features/kubernetes/configuration#surfacing-your-kubernetes-components-as-part-of-an-entity';

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

type MeshByCluster = Record<string, IstioMeshConfig | undefined>;

/**
 * The clusters, the entity's sidecar memory, and the mesh of each cluster it runs in,
 * in one request; clusters whose mesh could not be read are listed with the others.
 */
async function loadEntityMesh(istioApi: IstioApi, entityRef: string) {
  const view = await istioApi.getEntityMesh({ entityRef });
  const memory = view.sidecarMemory;
  const meshByCluster: MeshByCluster = {};
  const linksByCluster: Record<string, IstioToolLinks> = {};
  for (const { cluster, mesh, links } of view.meshes) {
    meshByCluster[cluster] = mesh;
    linksByCluster[cluster] = links;
  }
  const listed = new Set(memory.errors.map(e => e.cluster));
  const errors = [
    ...memory.errors,
    ...view.errors.filter(e => !listed.has(e.cluster)),
  ];
  return {
    clusters: view.clusters,
    memory,
    meshByCluster,
    linksByCluster,
    errors,
  };
}

/** One error panel per cluster that could not be read. */
function ClusterErrors(props: {
  errors: IstioEntityMeshResponse['errors'];
  /** Whether each message adds that the other clusters are shown. */
  othersShown?: boolean;
}) {
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <>
      {props.errors.map(e => (
        <Grid item xs={12} key={e.cluster}>
          <WarningPanel
            severity="error"
            title={t('clusterError.title', { cluster: e.cluster })}
            message={
              props.othersShown
                ? t('clusterError.messageOthersShown', {
                    error: describeSourceError(e),
                  })
                : describeSourceError(e)
            }
          />
        </Grid>
      ))}
    </>
  );
}

/** No pods found: says which pods were looked for, and whether the answer is certain. */
function NoWorkloads(props: {
  entity: Entity;
  memory: IstioSidecarMemoryResponse;
  clusters: IstioClustersResponse;
}) {
  const { memory } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  const annotations = props.entity.metadata.annotations ?? {};
  return (
    <Grid container spacing={3}>
      <ClusterErrors errors={memory.errors} />
      <UnusableClusters clusters={props.clusters.unusable} />
      <Grid item xs={12} md={6}>
        <InfoCard title={t('entityContent.workloadsTitle')}>
          <StructuredMetadataTable
            metadata={{
              [t('entityContent.fields.podSelector')]:
                annotations[ANNOTATIONS.kubernetesLabelSelector] ??
                `${ANNOTATIONS.kubernetesId}=${
                  annotations[ANNOTATIONS.kubernetesId]
                }`,
              [t('entityContent.fields.namespace')]:
                annotations[ANNOTATIONS.kubernetesNamespace] ??
                t('entityContent.anyNamespace'),
              [t('entityContent.fields.result')]: memory.errors.length
                ? t('entityContent.resultUnknown')
                : t('entityContent.noPods'),
            }}
          />
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/**
 * Where the entity's tools are: its app, Jaeger service and Kiali/Grafana/Jaeger links,
 * for the first cluster and namespace it runs in.
 */
function entityTools(
  entity: Entity,
  first: IstioSidecarMemoryResponse['items'][number],
  clusterLinks: IstioToolLinks,
) {
  const annotations = entity.metadata.annotations ?? {};
  const app = first.proxies.find(p => p.app)?.app ?? entity.metadata.name;
  const service =
    annotations[ANNOTATIONS.jaegerService] ?? `${app}.${first.namespace}`;
  const links = toolLinks(clusterLinks, {
    namespace: annotations[ANNOTATIONS.kialiNamespace] ?? first.namespace,
    app,
    workload: first.proxies.find(p => p.workload)?.workload,
    service: app,
    jaegerService: service,
  });
  return { service, jaegerUrl: clusterLinks.jaegerUrl, links };
}

function ServiceMesh() {
  const { entity } = useEntity();
  const istioApi = useIstioApi();
  const entityRef = stringifyEntityRef(entity);
  const state = useAsyncRetry(
    () => loadEntityMesh(istioApi, entityRef),
    [istioApi, entityRef],
  );

  // A reload after an apply keeps the cards on screen instead of a spinner.
  if (state.loading && !state.value) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { clusters, memory, meshByCluster, linksByCluster, errors } =
    state.value!;
  if (memory.items.length === 0)
    return <NoWorkloads entity={entity} memory={memory} clusters={clusters} />;

  // The backend kept only the diagnostics that concern the entity's namespaces.
  const diagnostics: IstioDiagnostic[] = Object.values(meshByCluster).flatMap(
    m => m?.diagnostics ?? [],
  );
  const first = memory.items[0];
  const tools = entityTools(entity, first, linksByCluster[first.cluster] ?? {});

  return (
    <Grid container spacing={3}>
      <ClusterErrors errors={errors} othersShown />
      <UnusableClusters clusters={clusters.unusable} />
      <Grid item xs={12} md={6}>
        <MeshStatusCard memory={memory} meshByCluster={meshByCluster} />
      </Grid>
      <Grid item xs={12} md={6}>
        <TracingCard
          mesh={meshByCluster[first.cluster]}
          jaegerUrl={tools.jaegerUrl}
          service={tools.service}
          diagnostics={diagnostics}
        />
      </Grid>
      <Grid item xs={12} md={6}>
        <LinksCard links={tools.links} />
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
