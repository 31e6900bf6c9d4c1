import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { IstioUnusableCluster } from '@istio-backstage/plugin-istio-common';
import Grid from '@material-ui/core/Grid';
import Alert from '@material-ui/lab/Alert';
import { istioTranslationRef } from '../../translation';

/**
 * The configured clusters the backend cannot use, one warning line each, as a grid
 * item; nothing when there are none.
 */
export function UnusableClusters(props: { clusters?: IstioUnusableCluster[] }) {
  const { t } = useTranslationRef(istioTranslationRef);
  const clusters = props.clusters ?? [];
  if (clusters.length === 0) return null;
  return (
    <Grid item xs={12}>
      <Alert severity="warning">
        {clusters.map(c => (
          <div key={`${c.source}/${c.name}`}>
            {t('unusableClusters.line', {
              name: c.name,
              reason: c.reason,
              source: c.source,
            })}
          </div>
        ))}
      </Alert>
    </Grid>
  );
}
