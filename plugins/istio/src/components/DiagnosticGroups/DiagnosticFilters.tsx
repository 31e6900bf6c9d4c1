import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
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
  type DiagnosticFilter,
  type Severity,
} from '../../lib/diagnosticGroups';
import { istioTranslationRef } from '../../translation';

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
  const { t } = useTranslationRef(istioTranslationRef);
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
    <div
      className={classes.bar}
      role="group"
      aria-label={t('diagnostics.filters.label')}
    >
      {SEVERITIES.map(s => (
        <FormControlLabel
          key={s}
          className={classes.check}
          label={t('diagnostics.filters.severity', {
            severity: t(`diagnostics.severity.${s}`),
            total: String(counts[s]),
          })}
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
          label={t('diagnostics.filters.namespace')}
          className={classes.field}
          value={filter.namespace}
          onChange={e => onChange({ ...filter, namespace: e.target.value })}
          SelectProps={{ native: true }}
          InputLabelProps={{ shrink: true }}
          inputProps={{ 'aria-label': t('diagnostics.filters.namespace') }}
        >
          <option value="">{t('diagnostics.filters.allNamespaces')}</option>
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
        label={t('diagnostics.filters.search')}
        placeholder={t('diagnostics.filters.searchPlaceholder')}
        className={classes.field}
        value={filter.text}
        onChange={e => onChange({ ...filter, text: e.target.value })}
        inputProps={{ 'aria-label': t('diagnostics.filters.searchLabel') }}
      />
    </div>
  );
}
