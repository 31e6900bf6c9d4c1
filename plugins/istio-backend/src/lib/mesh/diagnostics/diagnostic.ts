import {
  DIAGNOSTIC_KINDS,
  type IstioDiagnostic,
  type IstioMeshConfig,
  type IstioSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import { stringify } from 'yaml';
import type { MeshInventory } from '../inventory';
import { DIAGNOSTIC_CODES, type DiagnosticCode } from './codes';

/** The object a diagnostic is about. */
export type ObjectRef = NonNullable<IstioDiagnostic['object']>;

/** The backend's settings a rule may need besides what was read from the cluster. */
export interface DiagnosticContext {
  /**
   * The support matrix the control planes' verdicts were made with (the built-in one
   * merged with `istio.supportMatrix`); the built-in one unless told.
   */
  supportMatrix?: IstioSupportMatrix;
}

/**
 * One diagnostic rule: a pure function of what was read from the cluster, the mesh
 * model built from it and the backend's settings. A rule returns nothing when the data
 * it needs is unknown.
 */
export type DiagnosticRule = (
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  context?: DiagnosticContext,
) => IstioDiagnostic[];

/** `Pod istio-demo/details-v1`, `Namespace istio-demo`: how messages name objects. */
export function describeObject(ref: ObjectRef): string {
  return ref.namespace
    ? `${ref.kind} ${ref.namespace}/${ref.name}`
    : `${ref.kind} ${ref.name}`;
}

/**
 * Builds a diagnostic; severity, scope and topic come from the shared table and the
 * title from the code registry, so they cannot drift.
 */
export function makeDiagnostic(
  code: DiagnosticCode,
  body: {
    message: string;
    object?: ObjectRef;
    fix: { text: string; yaml?: string };
  },
): IstioDiagnostic {
  const { severity, scope, topic } = DIAGNOSTIC_KINDS[code];
  return {
    code,
    severity,
    scope,
    topic,
    title: DIAGNOSTIC_CODES[code].title,
    message: body.message,
    ...(body.object ? { object: body.object } : {}),
    fix: body.fix.yaml
      ? { text: body.fix.text, yaml: body.fix.yaml }
      : { text: body.fix.text },
  };
}

/**
 * Renders YAML documents for `fix.yaml`. Objects go through the YAML library (names
 * and hosts such as `./*` are quoted correctly); a leading comment explains the
 * document, since comments cannot be attached to plain objects.
 */
export function yamlDocs(
  ...docs: Array<{ comment?: string; value: unknown }>
): string {
  return docs
    .map(({ comment, value }) => {
      const body = stringify(value, { lineWidth: 0 });
      const header = comment
        ? `${comment
            .split('\n')
            .map(line => `# ${line}`)
            .join('\n')}\n`
        : '';
      return header + body;
    })
    .join('---\n');
}

/** `1 pod`, `3 pods`. */
export function plural(count: number, singular: string, pluralForm?: string) {
  return `${count} ${count === 1 ? singular : pluralForm ?? `${singular}s`}`;
}

/** Lists at most `max` items, then `and N more`, so messages stay short in big meshes. */
export function listSome(items: string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}
