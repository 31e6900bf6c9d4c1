import {
  EmptyState,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type {
  IstioClustersResponse,
  IstioMeshConfig,
  IstioUnusableCluster,
} from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import useAsync from 'react-use/esm/useAsync';
import { useIstioApi } from '../../api';
import { errorMessage } from '../../lib/errorMessage';
import { describeSourceError } from '../../lib/meshStatus';
import { istioTranslationRef } from '../../translation';
import { UnusableClusters } from '../UnusableClusters';
import { ClusterMeshCard } from './ClusterMeshCard';
import { DiagnosticsTable } from './DiagnosticsTable';

/** The configured clusters (for their tool links), or why they could not be read. */
type ToolLinksResult = { value?: IstioClustersResponse; error?: Error };

/** No cluster answered or failed: none is configured, or none can be used. */
function NoMesh(props: { unusable?: IstioUnusableCluster[] }) {
  const { t } = useTranslationRef(istioTranslationRef);
  if (!props.unusable?.length) {
    return (
      <EmptyState
        missing="data"
        title={t('meshPage.noClustersTitle')}
        description={t('meshPage.noClustersDescription')}
      />
    );
  }
  return (
    <Grid container spacing={3}>
      <UnusableClusters clusters={props.unusable} />
      <Grid item xs={12}>
        <EmptyState
          missing="data"
          title={t('meshPage.noUsableClustersTitle')}
          description={t('meshPage.noUsableClustersDescription')}
        />
      </Grid>
    </Grid>
  );
}

/**
 * The clusters' summaries and diagnostics, both on the first screen: on a wide screen the
 * summaries take a narrow column beside the diagnostics; otherwise the summaries (side by
 * side when there are several) come right above them.
 */
function MeshOverview(props: {
  items: IstioMeshConfig[];
  clusters: ToolLinksResult;
}) {
  const { items, clusters } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  const summaryWidth = items.length > 1 ? 6 : 12;
  return (
    <>
      <Grid item xs={12} lg={4}>
        <Grid container spacing={3}>
          {items.map(m => (
            <Grid item xs={12} md={summaryWidth} lg={12} key={m.cluster}>
              <ClusterMeshCard
                mesh={m}
                summary={clusters.value?.items.find(c => c.name === m.cluster)}
                clustersError={clusters.error}
              />
            </Grid>
          ))}
        </Grid>
      </Grid>
      <Grid item xs={12} lg={8}>
        <Grid container spacing={3}>
          {items.map(m => (
            <Grid item xs={12} key={m.cluster}>
              <DiagnosticsTable
                title={t('meshPage.diagnosticsTitle', {
                  cluster: m.title ?? m.cluster,
                })}
                diagnostics={m.diagnostics}
              />
            </Grid>
          ))}
        </Grid>
      </Grid>
    </>
  );
}

/**
 * Every configured cluster's installed mesh and its diagnostics, without a page header
 * (the new frontend system's page supplies one). A failed cluster is a warning next to
 * the others; failing to read the tool links only makes the links unknown.
 *
 * @public
 */
export function IstioMeshContent() {
  const { t } = useTranslationRef(istioTranslationRef);
  const istioApi = useIstioApi();
  const state = useAsync(async () => {
    const [mesh, clusters] = await Promise.all([
      istioApi.getMeshConfig(),
      istioApi.getClusters().then<ToolLinksResult, ToolLinksResult>(
        value => ({ value }),
        (error: Error) => ({ error }),
      ),
    ]);
    return { mesh, clusters };
  }, [istioApi]);

  if (state.loading) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const { mesh, clusters } = state.value!;

  if (mesh.items.length === 0 && mesh.errors.length === 0) {
    return <NoMesh unusable={clusters.value?.unusable} />;
  }

  return (
    <Grid container spacing={3} data-testid="istio-mesh-first-screen">
      {clusters.error && (
        <Grid item xs={12}>
          <WarningPanel
            severity="warning"
            title={t('meshPage.clustersErrorTitle')}
            message={t('meshPage.clustersErrorMessage', {
              error: errorMessage(clusters.error),
            })}
          />
        </Grid>
      )}
      <UnusableClusters clusters={clusters.value?.unusable} />
      {mesh.errors.map(e => (
        <Grid item xs={12} key={`error-${e.cluster}`}>
          <WarningPanel
            severity="error"
            title={t('clusterError.title', { cluster: e.cluster })}
            message={
              mesh.items.length
                ? t('clusterError.messageOthersShown', {
                    error: describeSourceError(e),
                  })
                : t('clusterError.message', { error: describeSourceError(e) })
            }
          />
        </Grid>
      ))}
      {mesh.items.length > 0 && (
        <MeshOverview items={mesh.items} clusters={clusters} />
      )}
    </Grid>
  );
}
