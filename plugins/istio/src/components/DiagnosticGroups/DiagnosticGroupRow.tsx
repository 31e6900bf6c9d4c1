import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import {
  describeAffected,
  previewObjects,
  type DiagnosticGroup,
} from '../../lib/diagnosticGroups';
import { istioTranslationRef } from '../../translation';
import { DiagnosticObjects } from './DiagnosticObjects';
import { SeverityBadge } from './SeverityBadge';

const useStyles = makeStyles(theme => ({
  // Denser than the default summary so more groups fit on the first screen.
  summaryRoot: { minHeight: 44, '&.Mui-expanded': { minHeight: 44 } },
  summaryContent: {
    margin: theme.spacing(0.75, 0),
    '&.Mui-expanded': { margin: theme.spacing(0.75, 0) },
  },
  summary: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1, 2),
    width: '100%',
    minWidth: 0,
  },
  // At least a short sentence wide: on a narrow screen the row wraps below the badge
  // instead of squeezing the title.
  main: { flex: '1 1 16rem', minWidth: 0 },
  words: { wordBreak: 'normal', overflowWrap: 'break-word' },
  code: { fontFamily: 'monospace' },
  count: { flexShrink: 0, whiteSpace: 'nowrap' },
}));

/**
 * One code's findings as one collapsed row: severity, title, code, how many objects
 * (with the first few named) and, expanded, each object with its fix.
 */
export function DiagnosticGroupRow(props: { group: DiagnosticGroup }) {
  const classes = useStyles();
  const { t } = useTranslationRef(istioTranslationRef);
  const { group } = props;
  const preview = previewObjects(t, group.items);
  return (
    <Accordion
      variant="outlined"
      TransitionProps={{ unmountOnExit: true }}
      data-testid="istio-diagnostic-group"
      data-code={group.code}
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        classes={{ root: classes.summaryRoot, content: classes.summaryContent }}
      >
        <div className={classes.summary}>
          <SeverityBadge severity={group.severity} />
          <div className={classes.main}>
            <Typography variant="subtitle2" className={classes.words}>
              {group.title}
            </Typography>
            <Typography
              variant="caption"
              color="textSecondary"
              component="div"
              className={classes.words}
            >
              <span className={classes.code}>{group.code}</span>
              {preview && <span>{` · ${preview}`}</span>}
            </Typography>
          </div>
          <Typography
            variant="body2"
            className={classes.count}
            data-testid="istio-diagnostic-group-count"
          >
            {describeAffected(t, group.items)}
          </Typography>
        </div>
      </AccordionSummary>
      <AccordionDetails>
        <DiagnosticObjects items={group.items} />
      </AccordionDetails>
    </Accordion>
  );
}
