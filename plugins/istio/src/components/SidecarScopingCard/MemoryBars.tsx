import Box from '@material-ui/core/Box';
import { makeStyles, useTheme, type Theme } from '@material-ui/core/styles';
import { formatBytes } from '../../lib/format';
import {
  chartMaxBytes,
  type BarSeries,
  type MemoryChartModel,
} from './memoryChart';

const useStyles = makeStyles((theme: Theme) => ({
  row: {
    display: 'grid',
    gridTemplateColumns: 'minmax(6em, 16em) 1fr',
    columnGap: theme.spacing(1),
    alignItems: 'center',
    marginBottom: theme.spacing(0.75),
  },
  // Text always in the theme's text colour, on the card's own background: readable in
  // light and dark themes alike (never drawn on top of a bar).
  text: {
    color: theme.palette.text.primary,
    fontSize: theme.typography.body2.fontSize,
  },
  name: {
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  },
  line: {
    display: 'flex',
    alignItems: 'center',
    columnGap: theme.spacing(1),
  },
  track: {
    flex: 1,
    height: theme.spacing(1.5),
    backgroundColor: theme.palette.background.default,
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
  },
  bar: { height: '100%' },
  // A fixed width keeps every track equally long, so bars share one scale.
  value: {
    flex: '0 0 19em',
    whiteSpace: 'nowrap',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    columnGap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  swatch: {
    display: 'inline-block',
    width: theme.spacing(1.5),
    height: theme.spacing(1.5),
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
    borderRadius: theme.shape.borderRadius,
  },
}));

/** The theme's colour of a series, so bars follow the light or dark theme in use. */
function useSeriesColour(): (series: BarSeries) => string {
  const theme = useTheme<Theme>();
  return series => theme.palette[series].main;
}

/**
 * Horizontal memory bars, one row per pod (or average) with its bars on a common scale,
 * the value and its meaning written next to each bar. For screen readers the whole
 * chart is one image whose name is `model.summary`.
 */
export function MemoryBars(props: {
  model: MemoryChartModel;
  'data-testid'?: string;
}) {
  const { model } = props;
  const classes = useStyles();
  const colour = useSeriesColour();
  const max = chartMaxBytes(model.rows);
  return (
    <Box
      role="img"
      aria-label={model.summary}
      data-testid={props['data-testid']}
      my={1}
    >
      <div className={`${classes.legend} ${classes.text}`}>
        {model.legend.map(entry => (
          <span key={entry.series}>
            <span
              className={classes.swatch}
              style={{ backgroundColor: colour(entry.series) }}
            />
            {entry.label}
          </span>
        ))}
      </div>
      {model.rows.map(row => (
        <div className={classes.row} key={row.name}>
          <span className={`${classes.text} ${classes.name}`} title={row.name}>
            {row.name}
          </span>
          <div>
            {row.bars.map(bar => (
              <div className={classes.line} key={bar.series}>
                <div className={classes.track}>
                  <div
                    className={classes.bar}
                    data-series={bar.series}
                    style={{
                      width: `${(100 * Math.max(0, bar.bytes)) / max}%`,
                      backgroundColor: colour(bar.series),
                    }}
                  />
                </div>
                <span className={`${classes.text} ${classes.value}`}>
                  {formatBytes(bar.bytes)} {bar.label}
                </span>
              </div>
            ))}
          </div>
        </div>
      ))}
    </Box>
  );
}
