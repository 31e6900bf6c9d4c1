import { InfoCard } from '@backstage/core-components';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { describeCounts } from '../../lib/diagnosticGroups';
import { DiagnosticGroups } from '../DiagnosticGroups';

/** A cluster's diagnostics, one collapsed row per code, errors first. */
export function DiagnosticsTable(props: {
  title: string;
  diagnostics: IstioDiagnostic[];
}) {
  const { diagnostics } = props;
  return (
    <InfoCard
      title={props.title}
      subheader={diagnostics.length ? describeCounts(diagnostics) : undefined}
    >
      <DiagnosticGroups
        diagnostics={diagnostics}
        emptyText="No diagnostics: nothing wrong was found in the parts that could be read."
      />
    </InfoCard>
  );
}
