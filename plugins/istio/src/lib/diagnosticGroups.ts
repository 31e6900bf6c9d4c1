import {
  compareSeverity,
  DIAGNOSTIC_SEVERITIES,
  diagnosticNamespace,
  type IstioDiagnostic,
} from '@istio-backstage/plugin-istio-common';
import type { IstioTranslation } from '../translation';

/** A diagnostic's severity. */
export type Severity = IstioDiagnostic['severity'];

/** Severities, most severe first (as istio-common orders them). */
export const SEVERITIES: readonly Severity[] = DIAGNOSTIC_SEVERITIES;

/** The findings of one diagnostic code: what people triage as one problem. */
export interface DiagnosticGroup {
  code: string;
  /** The most severe of its findings. */
  severity: Severity;
  title: string;
  /** Its findings, in the order the backend gave them. */
  items: IstioDiagnostic[];
}

/** Which findings to show; an empty `namespace` or `text` filters nothing. */
export interface DiagnosticFilter {
  severities: ReadonlySet<Severity>;
  namespace: string;
  text: string;
}

/** The namespace a finding is in: its object's, or the Namespace it names; none when mesh-wide. */
export function namespaceOf(d: IstioDiagnostic): string | undefined {
  return diagnosticNamespace(d);
}

/** `Service observability/jaeger-collector`, `Namespace team-001`, or `mesh-wide`. */
export function describeObject(
  t: IstioTranslation,
  d: IstioDiagnostic,
): string {
  if (!d.object) return t('diagnostics.meshWide');
  const { kind, namespace, name } = d.object;
  return t('diagnostics.object', {
    kind,
    name: namespace ? `${namespace}/${name}` : name,
  });
}

/** `Namespaces`, `Telemetries`, `Ingresses`: a Kubernetes kind counted. */
function pluralKind(kind: string): string {
  if (/[^aeiou]y$/i.test(kind)) return `${kind.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/i.test(kind)) return `${kind}es`;
  return `${kind}s`;
}

/** What a group affects, counted: `200 Namespaces`, `1 Service`, `3 objects`, `mesh-wide`. */
export function describeAffected(
  t: IstioTranslation,
  items: IstioDiagnostic[],
): string {
  const kinds = new Set(items.map(d => d.object?.kind));
  const count = items.length;
  if (kinds.size === 1) {
    const [kind] = kinds;
    if (!kind) return t('diagnostics.meshWide');
    return t('diagnostics.affectedKind', {
      count,
      kind: items.length === 1 ? kind : pluralKind(kind),
    });
  }
  return t('diagnostics.affectedObjects', { count });
}

/** The first few objects by name, e.g. `team-001, team-002, team-003 and 197 more`. */
export function previewObjects(
  t: IstioTranslation,
  items: IstioDiagnostic[],
  shown = 3,
): string {
  const names = [...new Set(items.map(d => d.object?.name).filter(Boolean))];
  const head = names.slice(0, shown).join(', ');
  const rest = names.length - shown;
  return rest > 0
    ? t('diagnostics.previewMore', { names: head, count: rest })
    : head;
}

/**
 * One group per code: most severe first, then the most findings (the widest problem),
 * then by code so the order is stable.
 */
export function groupDiagnostics(
  diagnostics: IstioDiagnostic[],
): DiagnosticGroup[] {
  const byCode = new Map<string, DiagnosticGroup>();
  for (const d of diagnostics) {
    const group = byCode.get(d.code);
    if (!group) {
      byCode.set(d.code, {
        code: d.code,
        severity: d.severity,
        title: d.title,
        items: [d],
      });
      continue;
    }
    group.items.push(d);
    if (compareSeverity(d.severity, group.severity) < 0)
      group.severity = d.severity;
  }
  return [...byCode.values()].sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      b.items.length - a.items.length ||
      a.code.localeCompare(b.code),
  );
}

/** Findings per severity, for the filter labels and summaries. */
export function countBySeverity(
  diagnostics: IstioDiagnostic[],
): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

/** `2 errors, 1 warning, 200 info`; `none` when there are none. */
export function describeCounts(
  t: IstioTranslation,
  diagnostics: IstioDiagnostic[],
): string {
  const counts = countBySeverity(diagnostics);
  const parts = SEVERITIES.filter(s => counts[s] > 0).map(s =>
    t(`diagnostics.count.${s}`, { count: counts[s] }),
  );
  return parts.length ? parts.join(', ') : t('diagnostics.countNone');
}

/** The namespaces findings are in, sorted, for the namespace filter. */
export function diagnosticNamespaces(diagnostics: IstioDiagnostic[]): string[] {
  const namespaces = new Set<string>();
  for (const d of diagnostics) {
    const namespace = namespaceOf(d);
    if (namespace) namespaces.add(namespace);
  }
  return [...namespaces].sort();
}

/** The findings the filter keeps; the text matches code, title, object and message, ignoring case. */
export function filterDiagnostics(
  t: IstioTranslation,
  diagnostics: IstioDiagnostic[],
  filter: DiagnosticFilter,
): IstioDiagnostic[] {
  const text = filter.text.trim().toLocaleLowerCase();
  return diagnostics.filter(
    d =>
      filter.severities.has(d.severity) &&
      (!filter.namespace || namespaceOf(d) === filter.namespace) &&
      (!text ||
        [d.code, d.title, d.message, describeObject(t, d)].some(s =>
          s.toLocaleLowerCase().includes(text),
        )),
  );
}
