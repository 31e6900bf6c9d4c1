import type { IstioDiagnostic } from '@istio-backstage/plugin-istio-common';
import { englishT } from '../__testUtils__/translation';
import {
  describeAffected,
  describeCounts,
  describeObject,
  diagnosticNamespaces,
  filterDiagnostics,
  groupDiagnostics,
  namespaceOf,
  previewObjects,
  SEVERITIES,
} from './diagnosticGroups';

const t = englishT();

function notScoped(namespace: string): IstioDiagnostic {
  return {
    code: 'IBS-NAMESPACE-NOT-SCOPED',
    scope: 'namespace',
    topic: 'sidecars',
    severity: 'info',
    title: 'Namespace without Sidecar scoping in a large mesh',
    message: `Namespace ${namespace} has no Sidecar.`,
    object: { kind: 'Namespace', name: namespace },
    fix: { text: `Apply a default Sidecar to ${namespace}.` },
  };
}

const collector: IstioDiagnostic = {
  code: 'IBS-TRACING-COLLECTOR-MISSING',
  scope: 'mesh',
  topic: 'tracing',
  severity: 'error',
  title: 'Tracing collector Service or port missing',
  message: 'Service observability/jaeger-collector has no port 9411.',
  object: {
    kind: 'Service',
    namespace: 'observability',
    name: 'jaeger-collector',
  },
  fix: { text: 'Enable Zipkin on the collector.' },
};

const gateway = (name: string): IstioDiagnostic => ({
  code: 'IBS-GATEWAY-NO-INJECTION',
  scope: 'object',
  topic: 'gateways',
  severity: 'warning',
  title: 'Gateway not injected with the gateway template',
  message: `Deployment istio-system/${name} is not injected.`,
  object: { kind: 'Deployment', namespace: 'istio-system', name },
  fix: { text: 'Use the gateway template.' },
});

const cni: IstioDiagnostic = {
  code: 'IBS-CNI-MISSING',
  scope: 'mesh',
  topic: 'data-plane',
  severity: 'warning',
  title: 'No Istio CNI: pods need NET_ADMIN',
  message: 'No CNI.',
  fix: { text: 'Install Istio CNI.' },
};

const all = (): Set<IstioDiagnostic['severity']> => new Set(SEVERITIES);

describe('groupDiagnostics', () => {
  it('makes one group per code, most severe first, then the most findings', () => {
    const namespaces = Array.from(
      { length: 200 },
      (_, i) => `team-${String(i + 1).padStart(3, '0')}`,
    );
    const groups = groupDiagnostics([
      ...namespaces.map(notScoped),
      cni,
      gateway('a'),
      gateway('b'),
      collector,
    ]);
    expect(groups.map(g => [g.code, g.severity, g.items.length])).toEqual([
      ['IBS-TRACING-COLLECTOR-MISSING', 'error', 1],
      ['IBS-GATEWAY-NO-INJECTION', 'warning', 2],
      ['IBS-CNI-MISSING', 'warning', 1],
      ['IBS-NAMESPACE-NOT-SCOPED', 'info', 200],
    ]);
  });

  it('gives a group the most severe severity of its findings', () => {
    const [group] = groupDiagnostics([
      notScoped('a'),
      { ...notScoped('b'), severity: 'warning' },
    ]);
    expect(group.severity).toBe('warning');
  });
});

describe('describing objects', () => {
  it('names objects, counts them by kind, and previews the first few', () => {
    expect(describeObject(t, collector)).toBe(
      'Service observability/jaeger-collector',
    );
    expect(describeObject(t, notScoped('team-001'))).toBe('Namespace team-001');
    expect(describeObject(t, cni)).toBe('mesh-wide');
    const many = ['a', 'b', 'c', 'd', 'e'].map(notScoped);
    expect(describeAffected(t, many)).toBe('5 Namespaces');
    expect(describeAffected(t, [collector])).toBe('1 Service');
    expect(describeAffected(t, [cni])).toBe('mesh-wide');
    expect(describeAffected(t, [collector, cni])).toBe('2 objects');
    expect(
      describeAffected(t, [
        { ...cni, object: { kind: 'Telemetry', name: 'x' } },
        { ...cni, object: { kind: 'Telemetry', name: 'y' } },
      ]),
    ).toBe('2 Telemetries');
    expect(previewObjects(t, many)).toBe('a, b, c and 2 more');
    expect(previewObjects(t, many.slice(0, 2))).toBe('a, b');
    expect(previewObjects(t, [cni])).toBe('');
  });

  it('counts findings per severity in words', () => {
    expect(describeCounts(t, [collector, gateway('a'), notScoped('x')])).toBe(
      '1 error, 1 warning, 1 info',
    );
    expect(describeCounts(t, [gateway('a'), gateway('b')])).toBe('2 warnings');
    expect(describeCounts(t, [])).toBe('none');
  });
});

describe('filterDiagnostics', () => {
  const diagnostics = [collector, gateway('a'), notScoped('shop'), cni];

  it('keeps the chosen severities', () => {
    const kept = filterDiagnostics(t, diagnostics, {
      severities: new Set(['error', 'warning']),
      namespace: '',
      text: '',
    });
    expect(kept).toEqual([collector, gateway('a'), cni]);
  });

  it("keeps a namespace's findings, whether the object is in it or is it", () => {
    expect(namespaceOf(notScoped('shop'))).toBe('shop');
    expect(namespaceOf(collector)).toBe('observability');
    expect(namespaceOf(cni)).toBeUndefined();
    expect(diagnosticNamespaces(diagnostics)).toEqual([
      'istio-system',
      'observability',
      'shop',
    ]);
    expect(
      filterDiagnostics(t, diagnostics, {
        severities: all(),
        namespace: 'shop',
        text: '',
      }),
    ).toEqual([notScoped('shop')]);
  });

  it('matches text in the code, title, object and message, ignoring case', () => {
    const find = (text: string) =>
      filterDiagnostics(t, diagnostics, {
        severities: all(),
        namespace: '',
        text,
      }).map(d => d.code);
    expect(find('zipkin')).toEqual([]);
    expect(find('  JAEGER ')).toEqual(['IBS-TRACING-COLLECTOR-MISSING']);
    expect(find('ibs-cni')).toEqual(['IBS-CNI-MISSING']);
    expect(find('Namespace shop')).toEqual(['IBS-NAMESPACE-NOT-SCOPED']);
    expect(find('net_admin')).toEqual(['IBS-CNI-MISSING']);
  });
});
