import { InfoCard } from '@backstage/core-components';
import { useTranslationRef } from '@backstage/core-plugin-api/alpha';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { istioTranslationRef } from '../../translation';
import { DiagnosticGroups } from '../DiagnosticGroups';

/**
 * Diagnostics that concern the entity's namespaces and workloads, grouped by code,
 * each with its fix.
 */
export function DiagnosticsCard({
  diagnostics,
}: {
  diagnostics: IstioDiagnostic[];
}) {
  const { t } = useTranslationRef(istioTranslationRef);
  return (
    <InfoCard title={t('diagnostics.cardTitle')}>
      <DiagnosticGroups
        diagnostics={diagnostics}
        emptyText={t('diagnostics.noneForEntity')}
      />
    </InfoCard>
  );
}
