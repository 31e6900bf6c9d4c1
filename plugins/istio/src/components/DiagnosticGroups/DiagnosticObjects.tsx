import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { makeStyles } from '@material-ui/core/styles';
import TablePagination from '@material-ui/core/TablePagination';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { describeObject } from '../../lib/diagnosticGroups';
import { istioTranslationRef } from '../../translation';
import { FixDetails } from './FixDetails';

/** Objects listed per page: a code can concern hundreds of namespaces. */
export const OBJECTS_PER_PAGE = 10;

const useStyles = makeStyles(theme => ({
  root: { width: '100%', minWidth: 0 },
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    minWidth: 0,
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  words: { wordBreak: 'normal', overflowWrap: 'break-word' },
}));

/** The findings of one group: each object with its message and its fix, a page at a time. */
export function DiagnosticObjects(props: { items: IstioDiagnostic[] }) {
  const classes = useStyles();
  const { t } = useTranslationRef(istioTranslationRef);
  const { items } = props;
  const [page, setPage] = useState(0);
  // Filters may shrink the list under the current page: stay on the last one.
  const lastPage = Math.max(0, Math.ceil(items.length / OBJECTS_PER_PAGE) - 1);
  const current = Math.min(page, lastPage);
  const start = current * OBJECTS_PER_PAGE;
  return (
    <div className={classes.root}>
      <ul
        className={classes.list}
        aria-label={t('diagnostics.affectedObjectsLabel')}
      >
        {items.slice(start, start + OBJECTS_PER_PAGE).map((d, i) => (
          <li
            key={`${describeObject(t, d)}-${start + i}`}
            className={classes.item}
            data-testid="istio-diagnostic-object"
          >
            <Typography variant="subtitle2" className={classes.words}>
              {describeObject(t, d)}
            </Typography>
            <Typography
              variant="body2"
              color="textSecondary"
              className={classes.words}
            >
              {d.message}
            </Typography>
            <FixDetails fix={d.fix} />
          </li>
        ))}
      </ul>
      {items.length > OBJECTS_PER_PAGE && (
        <TablePagination
          component="div"
          count={items.length}
          page={current}
          rowsPerPage={OBJECTS_PER_PAGE}
          rowsPerPageOptions={[]}
          onPageChange={(_, next) => setPage(next)}
          labelDisplayedRows={({ from, to, count }) =>
            t('diagnostics.pageRange', {
              from: String(from),
              to: String(to),
              total: String(count),
            })
          }
          backIconButtonText={t('diagnostics.previousPage')}
          nextIconButtonText={t('diagnostics.nextPage')}
        />
      )}
    </div>
  );
}
