import { renderInTestApp } from '@backstage/test-utils';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { screen } from '@testing-library/react';
import { TracingCard } from './TracingCard';

const finding = (
  code: string,
  topic: IstioDiagnostic['topic'],
  title: string,
): IstioDiagnostic => ({
  code,
  severity: 'warning',
  scope: 'mesh',
  topic,
  title,
  message: `${title}.`,
  fix: { text: 'Fix it.' },
});

describe('TracingCard', () => {
  it('shows the tracing and gateway findings by their topic, whatever their code', async () => {
    await renderInTestApp(
      <TracingCard
        service="productpage.istio-demo"
        diagnostics={[
          finding('IBS-NEWER-TRACING-CODE', 'tracing', 'Spans sent nowhere'),
          finding(
            'IBS-GATEWAY-NO-INJECTION',
            'gateways',
            'Gateway sends no traces',
          ),
          finding('IBS-TRACING-LOOKALIKE', 'sidecars', 'Namespace not scoped'),
        ]}
      />,
    );
    // One collapsed group per problem, titled, with its severity in words.
    const groups = screen.getAllByTestId('istio-diagnostic-group');
    expect(groups.map(g => g.getAttribute('data-code')).sort()).toEqual([
      'IBS-GATEWAY-NO-INJECTION',
      'IBS-NEWER-TRACING-CODE',
    ]);
    expect(screen.getByText('Spans sent nowhere')).toBeInTheDocument();
    expect(screen.getByText('Gateway sends no traces')).toBeInTheDocument();
    expect(screen.getAllByText('Warning')).toHaveLength(2);
    expect(screen.queryByText(/Namespace not scoped/)).not.toBeInTheDocument();
  });
});
