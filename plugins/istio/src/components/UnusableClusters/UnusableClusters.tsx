import type { IstioUnusableCluster } from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';

/** The line saying why a configured cluster is not used. */
export function unusableClusterLine(cluster: IstioUnusableCluster): string {
  return `Cluster ${cluster.name} is not used: ${cluster.reason} (${cluster.source})`;
}

/**
 * The configured clusters the backend cannot use, one warning line each, as a grid
 * item; nothing when there are none.
 */
export function UnusableClusters(props: { clusters?: IstioUnusableCluster[] }) {
  const clusters = props.clusters ?? [];
  if (clusters.length === 0) return null;
  return (
    <Grid item xs={12}>
      <Alert severity="warning">
        {clusters.map(c => (
          <div key={`${c.source}/${c.name}`}>{unusableClusterLine(c)}</div>
        ))}
      </Alert>
    </Grid>
  );
}
