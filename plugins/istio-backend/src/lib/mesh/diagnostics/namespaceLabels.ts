import {
  describeObject,
  makeDiagnostic,
  yamlDocs,
  type DiagnosticRule,
  type ObjectRef,
} from './diagnostic';
import { INJECTION_LABEL, REVISION_LABEL } from '../dataPlane';

/** Namespaces with both `istio-injection` and `istio.io/rev` (cf. IST0123). */
export const multipleInjectionLabels: DiagnosticRule = (inventory, _mesh) => {
  if (!inventory.namespaces) return [];
  return inventory.namespaces
    .filter(ns => {
      const labels = ns.metadata?.labels ?? {};
      return (
        labels[INJECTION_LABEL] !== undefined &&
        labels[REVISION_LABEL] !== undefined
      );
    })
    .sort((a, b) =>
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    )
    .map(ns => {
      const name = ns.metadata?.name ?? '';
      const labels = ns.metadata?.labels ?? {};
      const injection = labels[INJECTION_LABEL];
      const revision = labels[REVISION_LABEL];
      const object: ObjectRef = { kind: 'Namespace', name };
      return makeDiagnostic('IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS', {
        object,
        message: `${describeObject(
          object,
        )} has both ${INJECTION_LABEL}=${injection} and ${REVISION_LABEL}=${revision}. ${INJECTION_LABEL} takes precedence, so ${
          injection === 'enabled'
            ? `pods are injected by the default revision, not '${revision}'`
            : 'pods are not injected at all'
        }, and moving the revision label does not move the namespace.`,
        fix: {
          text: `Keep one label. For a revision-based install: kubectl label namespace ${name} ${INJECTION_LABEL}- ; otherwise: kubectl label namespace ${name} ${REVISION_LABEL}- . Then restart the workloads so they are re-injected.`,
          yaml: yamlDocs({
            comment: 'Revision-based injection only',
            value: {
              apiVersion: 'v1',
              kind: 'Namespace',
              metadata: { name, labels: { [REVISION_LABEL]: revision } },
            },
          }),
        },
      });
    });
};
