import { CodeSnippet, InfoCard } from '@backstage/core-components';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import Typography from '@material-ui/core/Typography';

/** Diagnostics that concern the entity's namespaces and workloads, with their fixes. */
export function DiagnosticsCard({
  diagnostics,
}: {
  diagnostics: IstioDiagnostic[];
}) {
  return (
    <InfoCard title="Diagnostics">
      {diagnostics.length === 0 && (
        <Typography variant="body2">
          No diagnostics concern this entity.
        </Typography>
      )}
      {diagnostics.map(d => (
        <div key={`${d.code}-${d.object?.namespace}-${d.object?.name}`}>
          <Typography variant="subtitle2">
            {d.severity.toUpperCase()} {d.code}: {d.title}
          </Typography>
          <Typography variant="body2">{d.message}</Typography>
          <Typography variant="body2">Fix: {d.fix.text}</Typography>
          {d.fix.yaml && <CodeSnippet text={d.fix.yaml} language="yaml" />}
        </div>
      ))}
    </InfoCard>
  );
}
