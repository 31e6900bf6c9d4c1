import type { IstioDiagnostic } from './meshConfigTypes';

// Problems of the whole mesh (tracing, versions, CNI, images, proxies) affect every
// workload, whichever namespace the diagnostic names.
const MESH_WIDE_CODE = /^IBS-(TRACING|VERSION|CNI|IMAGE|PROXY)-/;

/**
 * Whether a diagnostic concerns the workloads in `namespaces`: it names an object in
 * one of them, or it is a mesh-wide problem that affects every workload.
 *
 * @public
 */
export function diagnosticConcernsNamespaces(
  diagnostic: Pick<IstioDiagnostic, 'code' | 'object'>,
  namespaces: ReadonlySet<string>,
): boolean {
  const namespace = diagnostic.object?.namespace;
  return (
    (!!namespace && namespaces.has(namespace)) ||
    MESH_WIDE_CODE.test(diagnostic.code)
  );
}
