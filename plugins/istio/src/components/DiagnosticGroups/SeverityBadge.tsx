import {
  StatusError,
  StatusOK,
  StatusWarning,
} from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import type { Severity } from '../../lib/diagnosticGroups';
import { istioTranslationRef } from '../../translation';

// An info finding is advice, not a failure: the neutral "ok" icon, with the word beside it.
const ICONS: Record<Severity, typeof StatusOK> = {
  error: StatusError,
  warning: StatusWarning,
  info: StatusOK,
};

const useStyles = makeStyles({
  badge: { display: 'inline-flex', alignItems: 'center', flexShrink: 0 },
  // The same width for every severity keeps the titles aligned.
  chip: { minWidth: 72 },
});

/** A severity as a Backstage status icon and a chip that says it in words. */
export function SeverityBadge(props: { severity: Severity }) {
  const classes = useStyles();
  const { t } = useTranslationRef(istioTranslationRef);
  const Icon = ICONS[props.severity];
  return (
    <span className={classes.badge} data-testid="istio-diagnostic-severity">
      <Icon />
      <Chip
        size="small"
        variant="outlined"
        className={classes.chip}
        label={t(`diagnostics.severity.${props.severity}`)}
      />
    </span>
  );
}
