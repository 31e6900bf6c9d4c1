import { renderInTestApp } from '@backstage/test-utils';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { screen, within } from '@testing-library/react';
import { DiagnosticsCard } from './DiagnosticsCard';

const sampling = {
  code: 'IBS-TRACING-SAMPLING-FRACTION',
  scope: 'mesh',
  topic: 'tracing',
  severity: 'info',
  title: 'Sampling written as a fraction',
  message: 'ConfigMap istio-system/istio sets sampling to 1.',
  fix: { text: 'Write 100 to trace everything.' },
} as IstioDiagnostic;

describe('DiagnosticsCard', () => {
  it("groups the entity's diagnostics by code, severity in words and the fix collapsed", async () => {
    await renderInTestApp(
      <DiagnosticsCard
        diagnostics={[sampling, { ...sampling, message: 'Again.' }]}
      />,
    );
    expect(screen.getByText('Diagnostics')).toBeInTheDocument();
    const [group] = screen.getAllByTestId('istio-diagnostic-group');
    expect(screen.getAllByTestId('istio-diagnostic-group')).toHaveLength(1);
    expect(
      within(group).getByText('IBS-TRACING-SAMPLING-FRACTION'),
    ).toBeInTheDocument();
    expect(within(group).getByText('Info')).toBeInTheDocument();
    expect(within(group).getByText('mesh-wide')).toBeInTheDocument();
    expect(screen.queryByText('Write 100 to trace everything.')).toBeNull();
  });

  it('says when no diagnostic concerns the entity', async () => {
    await renderInTestApp(<DiagnosticsCard diagnostics={[]} />);
    expect(
      screen.getByText('No diagnostics concern this entity.'),
    ).toBeInTheDocument();
  });
});
