import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import {
  filterDiagnostics,
  groupDiagnostics,
  SEVERITIES,
  type DiagnosticFilter,
} from '../../lib/diagnosticGroups';
import { istioTranslationRef } from '../../translation';
import { DiagnosticFilters } from './DiagnosticFilters';
import { DiagnosticGroupRow } from './DiagnosticGroupRow';

/** Up to this many findings are read at a glance: no filters. */
export const FILTERS_FROM = 6;

/**
 * Findings as people triage them: one collapsed row per code, most severe and
 * widest first, with filters once there are more than a few.
 */
export function DiagnosticGroups(props: {
  diagnostics: IstioDiagnostic[];
  /** Said when there are no findings at all. */
  emptyText: string;
}) {
  const { diagnostics } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  const [filter, setFilter] = useState<DiagnosticFilter>(() => ({
    severities: new Set(SEVERITIES),
    namespace: '',
    text: '',
  }));
  const groups = useMemo(
    () => groupDiagnostics(filterDiagnostics(t, diagnostics, filter)),
    [t, diagnostics, filter],
  );

  if (diagnostics.length === 0) {
    return <Typography variant="body2">{props.emptyText}</Typography>;
  }
  return (
    <div data-testid="istio-diagnostics">
      {diagnostics.length >= FILTERS_FROM && (
        <DiagnosticFilters
          diagnostics={diagnostics}
          filter={filter}
          onChange={setFilter}
        />
      )}
      {groups.length === 0 && (
        <Typography variant="body2">{t('diagnostics.noMatch')}</Typography>
      )}
      {groups.map(group => (
        <DiagnosticGroupRow key={group.code} group={group} />
      ))}
    </div>
  );
}
