import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  ANNOTATIONS,
  isIstioAvailable,
} from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { istioApiRef } from '../../api';

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
  return <WorkloadSelection />;
}

/** How the entity's workloads are found, and which clusters are searched. */
function WorkloadSelection() {
  const { entity } = useEntity();
  const istioApi = useApi(istioApiRef);
  const clusters = useAsync(() => istioApi.getClusters(), [istioApi]);
  const annotations = entity.metadata.annotations ?? {};
  const pinnedCluster = annotations[ANNOTATIONS.kubernetesCluster];

  if (clusters.loading) return <Progress />;
  if (clusters.error) return <ResponseErrorPanel error={clusters.error} />;

  const clusterNames = (clusters.value?.items ?? [])
    .filter(c => !pinnedCluster || c.name === pinnedCluster)
    .map(c => c.title ?? c.name);

  const metadata: Record<string, string> = {
    'Pod selector': annotations[ANNOTATIONS.kubernetesLabelSelector]
      ? annotations[ANNOTATIONS.kubernetesLabelSelector]
      : `${ANNOTATIONS.kubernetesId}=${annotations[ANNOTATIONS.kubernetesId]}`,
    Namespace: annotations[ANNOTATIONS.kubernetesNamespace] ?? 'any namespace',
    Clusters:
      clusterNames.length > 0
        ? clusterNames.join(', ')
        : 'none configured (see kubernetes.clusterLocatorMethods)',
  };

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={6}>
        <InfoCard
          title="Workloads in the mesh"
          subheader="How this entity's pods are found"
        >
          <StructuredMetadataTable metadata={metadata} />
        </InfoCard>
      </Grid>
    </Grid>
  );
}
