import { InfoCard } from '@backstage/core-components';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
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
  return (
    <InfoCard title="Diagnostics">
      <DiagnosticGroups
        diagnostics={diagnostics}
        emptyText="No diagnostics concern this entity."
      />
    </InfoCard>
  );
}
