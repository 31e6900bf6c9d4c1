import { renderInTestApp } from '@backstage/test-utils';
import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { DiagnosticGroups } from './DiagnosticGroups';

const namespaces = Array.from(
  { length: 200 },
  (_, i) => `team-${String(i + 1).padStart(3, '0')}`,
);

function notScoped(namespace: string): IstioDiagnostic {
  return {
    code: 'IBS-NAMESPACE-NOT-SCOPED',
    scope: 'namespace',
    topic: 'sidecars',
    severity: 'info',
    title: 'Namespace without Sidecar scoping in a large mesh',
    message: `Namespace ${namespace} has injected workloads but no Sidecar scoping.`,
    object: { kind: 'Namespace', name: namespace },
    fix: {
      text: `Apply a default Sidecar to ${namespace}.`,
      yaml: `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata:\n  name: default\n  namespace: ${namespace}\n`,
    },
  };
}

const collector: IstioDiagnostic = {
  code: 'IBS-TRACING-COLLECTOR-MISSING',
  scope: 'mesh',
  topic: 'tracing',
  severity: 'error',
  title: 'Tracing collector Service or port missing',
  message:
    'Service observability/jaeger-collector has no port 9411: spans are dropped.',
  object: {
    kind: 'Service',
    namespace: 'observability',
    name: 'jaeger-collector',
  },
  fix: {
    text: 'Enable Zipkin on the collector.',
    yaml: 'env:\n  - name: COLLECTOR_ZIPKIN_HOST_PORT\n    value: ":9411"\n',
  },
};

const gateway: IstioDiagnostic = {
  code: 'IBS-GATEWAY-NO-INJECTION',
  scope: 'object',
  topic: 'gateways',
  severity: 'warning',
  title: 'Gateway not injected with the gateway template',
  message: 'Deployment istio-system/istio-ingressgateway is not injected.',
  object: {
    kind: 'Deployment',
    namespace: 'istio-system',
    name: 'istio-ingressgateway',
  },
  fix: { text: 'Use the gateway template.' },
};

const scale = [...namespaces.map(notScoped), gateway, collector];

function renderGroups(diagnostics: IstioDiagnostic[]) {
  return renderInTestApp(
    <DiagnosticGroups diagnostics={diagnostics} emptyText="Nothing found." />,
  );
}

const groups = () => screen.getAllByTestId('istio-diagnostic-group');

describe('DiagnosticGroups', () => {
  it('shows one row per code, most severe first, with a count instead of a row per object', async () => {
    await renderGroups(scale);
    expect(groups()).toHaveLength(3);
    expect(groups().map(g => g.getAttribute('data-code'))).toEqual([
      'IBS-TRACING-COLLECTOR-MISSING',
      'IBS-GATEWAY-NO-INJECTION',
      'IBS-NAMESPACE-NOT-SCOPED',
    ]);
    const info = groups()[2];
    expect(
      within(info).getByText(
        'Namespace without Sidecar scoping in a large mesh',
      ),
    ).toBeInTheDocument();
    expect(
      within(info).getByTestId('istio-diagnostic-group-count'),
    ).toHaveTextContent('200 Namespaces');
    expect(
      within(info).getByText(/team-001, team-002, team-003 and 197 more/),
    ).toBeInTheDocument();
    // Collapsed: no object, message or fix is rendered until asked for.
    expect(screen.queryAllByTestId('istio-diagnostic-object')).toHaveLength(0);
    expect(screen.queryByText(/COLLECTOR_ZIPKIN_HOST_PORT/)).toBeNull();
  });

  it('says each severity in words next to its status icon', async () => {
    await renderGroups(scale);
    const [error, warning, info] = groups().map(g =>
      within(g).getByTestId('istio-diagnostic-severity'),
    );
    expect(error).toHaveTextContent('Error');
    expect(within(error).getByTestId('status-error')).toBeInTheDocument();
    expect(warning).toHaveTextContent('Warning');
    expect(within(warning).getByTestId('status-warning')).toBeInTheDocument();
    expect(info).toHaveTextContent('Info');
    expect(within(info).getByTestId('status-ok')).toBeInTheDocument();
  });

  it('lists the affected objects ten per page once expanded', async () => {
    await renderGroups(scale);
    await userEvent.click(within(groups()[2]).getByRole('button'));
    let objects = await screen.findAllByTestId('istio-diagnostic-object');
    expect(objects).toHaveLength(10);
    expect(objects[0]).toHaveTextContent('Namespace team-001');
    expect(screen.getByText('1-10 of 200')).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    objects = screen.getAllByTestId('istio-diagnostic-object');
    expect(objects).toHaveLength(10);
    expect(objects[0]).toHaveTextContent('Namespace team-011');
  });

  it('keeps the fix collapsed until asked for, its YAML in a copyable block', async () => {
    await renderGroups([collector]);
    await userEvent.click(within(groups()[0]).getByRole('button'));
    const object = await screen.findByTestId('istio-diagnostic-object');
    expect(
      within(object).getByText(
        'Service observability/jaeger-collector has no port 9411: spans are dropped.',
      ),
    ).toBeInTheDocument();
    const show = within(object).getByRole('button', { name: 'Show fix' });
    expect(show).toHaveAttribute('aria-expanded', 'false');
    expect(
      within(object).queryByText('Enable Zipkin on the collector.'),
    ).toBeNull();
    await userEvent.click(show);
    expect(
      within(object).getByText('Enable Zipkin on the collector.'),
    ).toBeInTheDocument();
    const yaml = within(object).getByTestId('istio-diagnostic-fix-yaml');
    expect(
      await within(yaml).findByText(/COLLECTOR_ZIPKIN_HOST_PORT/),
    ).toBeInTheDocument();
    expect(
      within(yaml).getByRole('button', { name: 'Copy text' }),
    ).toBeInTheDocument();
  });

  it('filters by severity, namespace and text', async () => {
    await renderGroups(scale);
    expect(screen.getByLabelText('Info (200)')).toBeChecked();
    await userEvent.click(screen.getByLabelText('Info (200)'));
    expect(groups().map(g => g.getAttribute('data-code'))).toEqual([
      'IBS-TRACING-COLLECTOR-MISSING',
      'IBS-GATEWAY-NO-INJECTION',
    ]);
    await userEvent.click(screen.getByLabelText('Info (200)'));

    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Namespace' }),
      'team-042',
    );
    expect(groups()).toHaveLength(1);
    expect(
      within(groups()[0]).getByTestId('istio-diagnostic-group-count'),
    ).toHaveTextContent('1 Namespace');
    await userEvent.selectOptions(
      screen.getByRole('combobox', { name: 'Namespace' }),
      '',
    );

    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search diagnostics' }),
      'ingressgateway',
    );
    expect(groups().map(g => g.getAttribute('data-code'))).toEqual([
      'IBS-GATEWAY-NO-INJECTION',
    ]);
    await userEvent.type(
      screen.getByRole('searchbox', { name: 'Search diagnostics' }),
      'nothing-like-this',
    );
    expect(
      screen.getByText('No diagnostics match the filters.'),
    ).toBeInTheDocument();
  });

  it('shows a few findings without filters', async () => {
    await renderGroups([collector, gateway]);
    expect(groups()).toHaveLength(2);
    expect(
      screen.queryByRole('group', { name: 'Filter diagnostics' }),
    ).toBeNull();
  });

  it('says so when there are no findings', async () => {
    await renderGroups([]);
    expect(screen.getByText('Nothing found.')).toBeInTheDocument();
    expect(screen.queryByTestId('istio-diagnostic-group')).toBeNull();
  });

  it('lets titles and messages wrap between words, never letter by letter', async () => {
    await renderGroups(scale);
    const title = screen.getByText(
      'Namespace without Sidecar scoping in a large mesh',
    );
    expect(title).toHaveStyle({ wordBreak: 'normal' });
    // The title's column has a basis of a short sentence: the row wraps before squeezing it.
    expect(title.parentElement).toHaveStyle({ flex: '1 1 16rem' });
    expect(title.closest('table')).toBeNull();
    await userEvent.click(within(groups()[2]).getByRole('button'));
    const [object] = await screen.findAllByTestId('istio-diagnostic-object');
    expect(within(object).getByText(/has injected workloads/)).toHaveStyle({
      wordBreak: 'normal',
    });
  });
});
