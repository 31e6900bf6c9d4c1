import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import Checkbox from '@material-ui/core/Checkbox';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import { useMemo } from 'react';
import {
  countBySeverity,
  diagnosticNamespaces,
  SEVERITIES,
  SEVERITY_LABELS,
  type DiagnosticFilter,
  type Severity,
} from '../../lib/diagnosticGroups';

const useStyles = makeStyles(theme => ({
  bar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(1, 2),
    marginBottom: theme.spacing(1.5),
  },
  check: { marginRight: 0 },
  field: { flex: '1 1 10rem', minWidth: 160, maxWidth: '16rem' },
}));

/** Severity, namespace and free-text filters over a list of findings. */
export function DiagnosticFilters(props: {
  diagnostics: IstioDiagnostic[];
  filter: DiagnosticFilter;
  onChange: (filter: DiagnosticFilter) => void;
}) {
  const classes = useStyles();
  const { diagnostics, filter, onChange } = props;
  const counts = useMemo(() => countBySeverity(diagnostics), [diagnostics]);
  const namespaces = useMemo(
    () => diagnosticNamespaces(diagnostics),
    [diagnostics],
  );
  const toggle = (severity: Severity, on: boolean) => {
    const severities = new Set(filter.severities);
    if (on) severities.add(severity);
    else severities.delete(severity);
    onChange({ ...filter, severities });
  };
  return (
    <div className={classes.bar} role="group" aria-label="Filter diagnostics">
      {SEVERITIES.map(s => (
        <FormControlLabel
          key={s}
          className={classes.check}
          label={`${SEVERITY_LABELS[s]} (${counts[s]})`}
          control={
            <Checkbox
              size="small"
              color="primary"
              checked={filter.severities.has(s)}
              onChange={e => toggle(s, e.target.checked)}
            />
          }
        />
      ))}
      {namespaces.length > 0 && (
        <TextField
          select
          size="small"
          variant="outlined"
          label="Namespace"
          className={classes.field}
          value={filter.namespace}
          onChange={e => onChange({ ...filter, namespace: e.target.value })}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          inputProps={{ 'aria-label': 'Namespace' }}
        >
          <option value="">All namespaces</option>
          {namespaces.map(ns => (
            <option key={ns} value={ns}>
              {ns}
            </option>
          ))}
        </TextField>
      )}
      <TextField
        size="small"
        variant="outlined"
        type="search"
        label="Search"
        placeholder="Code, title, object or message"
        className={classes.field}
        value={filter.text}
        onChange={e => onChange({ ...filter, text: e.target.value })}
        inputProps={{ 'aria-label': 'Search diagnostics' }}
      />
    </div>
  );
}
