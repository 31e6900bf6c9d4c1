import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';

/** One labelled value of a {@link FieldList}. */
export interface Field {
  label: string;
  value: ReactNode;
  /** Spans every column: for long values such as a status sentence. */
  wide?: boolean;
  /** `data-testid` of the value, for end-to-end tests that measure it. */
  testId?: string;
}

const useStyles = makeStyles(theme => ({
  // Columns appear only where they fit: a narrow side column gets one, label above value.
  list: {
    display: 'grid',
    gridTemplateColumns:
      'repeat(auto-fit, minmax(min(100%, var(--istio-field-width)), 1fr))',
    columnGap: theme.spacing(3),
    rowGap: theme.spacing(1),
    margin: 0,
  },
  field: { minWidth: 0 },
  wide: { gridColumn: '1 / -1' },
  label: { margin: 0 },
  // Values wrap between words, never letter by letter; only an unbreakable token
  // (a URL, a long name) may break, and only when it alone exceeds the width.
  value: {
    margin: 0,
    minWidth: 0,
    wordBreak: 'normal',
    overflowWrap: 'break-word',
  },
}));

/**
 * Labelled values laid out for the width they get: label above value, in as many
 * columns of at least `columnWidth` pixels as fit (one in a narrow card).
 */
export function FieldList(props: { fields: Field[]; columnWidth?: number }) {
  const classes = useStyles();
  const style = {
    '--istio-field-width': `${props.columnWidth ?? 220}px`,
  } as React.CSSProperties;
  return (
    <dl className={classes.list} style={style}>
      {props.fields.map(field => (
        <div
          key={field.label}
          className={
            field.wide ? `${classes.field} ${classes.wide}` : classes.field
          }
        >
          <Typography
            component="dt"
            variant="subtitle2"
            color="textSecondary"
            className={classes.label}
          >
            {field.label}
          </Typography>
          <Typography
            component="dd"
            variant="body2"
            className={classes.value}
            data-testid={field.testId}
          >
            {field.value}
          </Typography>
        </div>
      ))}
    </dl>
  );
}
