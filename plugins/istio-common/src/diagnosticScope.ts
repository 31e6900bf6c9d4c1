import type { IstioDiagnostic } from './meshConfigTypes';

/**
 * The namespace a diagnostic names: its object's, or the Namespace it is about
 * (Namespaces are cluster-scoped, so their refs carry no namespace); none otherwise.
 *
 * @public
 */
export function diagnosticNamespace(
  diagnostic: Pick<IstioDiagnostic, 'object'>,
): string | undefined {
  const { object } = diagnostic;
  if (!object) return undefined;
  if (object.namespace) return object.namespace;
  return object.kind === 'Namespace' ? object.name : undefined;
}

/**
 * Whether a diagnostic concerns the workloads in `namespaces`: a mesh-wide one affects
 * every workload; a namespace or object one only when the namespace it names is one of
 * them.
 *
 * @public
 */
export function diagnosticConcernsNamespaces(
  diagnostic: Pick<IstioDiagnostic, 'scope' | 'object'>,
  namespaces: ReadonlySet<string>,
): boolean {
  if (diagnostic.scope === 'mesh') return true;
  const namespace = diagnosticNamespace(diagnostic);
  return namespace !== undefined && namespaces.has(namespace);
}
