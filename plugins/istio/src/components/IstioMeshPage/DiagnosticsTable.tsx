import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { describeCounts } from '../../lib/diagnosticGroups';
import { istioTranslationRef } from '../../translation';
import { DiagnosticGroups } from '../DiagnosticGroups';

/** A cluster's diagnostics, one collapsed row per code, errors first. */
export function DiagnosticsTable(props: {
  title: string;
  diagnostics: IstioDiagnostic[];
}) {
  const { diagnostics } = props;
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <InfoCard
      title={props.title}
      subheader={
        diagnostics.length ? describeCounts(t, diagnostics) : undefined
      }
    >
      <DiagnosticGroups
        diagnostics={diagnostics}
        emptyText={t('meshPage.noDiagnostics')}
      />
    </InfoCard>
  );
}
