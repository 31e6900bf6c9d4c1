import {
  compareSeverity,
  type IstioDiagnostic,
  type IstioMeshConfig,
} from '@istio-backstage/plugin-istio-common';
import type { MeshInventory } from '../inventory';
import { cniMissing } from './cni';
import type { DiagnosticContext, DiagnosticRule } from './diagnostic';
import { gatewayInRootNamespace, gatewayWithoutInjection } from './gateways';
import { imagePullFailures } from './imagePull';
import { kialiServiceMissing } from './kiali';
import { multipleInjectionLabels } from './namespaceLabels';
import { inClusterOperator } from './operator';
import { envoyMetricsNotScraped, istiodMetricsNotScraped } from './prometheus';
import { proxyNewerThanControlPlane } from './proxyVersions';
import { fullSamplingInLargeMesh, samplingWrittenAsFraction } from './sampling';
import {
  multipleDefaultSidecars,
  rootSidecarWithSelector,
  sidecarInAmbientNamespace,
} from './sidecarConflicts';
import { namespaceNotScoped } from './sidecarScoping';
import { likelyEndOfLife, unsupportedVersion } from './support';
import { tracingCollectorMissing } from './tracingCollector';
import { tracingWithoutProvider } from './tracingProvider';

export { DIAGNOSTIC_CODES } from './codes';
export type { DiagnosticCode, DiagnosticCodeInfo } from './codes';
export type { DiagnosticContext, DiagnosticRule } from './diagnostic';

/** Every rule, in the order of `DIAGNOSTIC_CODES` (`diagnose` sorts what they find). */
export const DIAGNOSTIC_RULES: readonly DiagnosticRule[] = [
  gatewayInRootNamespace,
  gatewayWithoutInjection,
  tracingCollectorMissing,
  tracingWithoutProvider,
  fullSamplingInLargeMesh,
  samplingWrittenAsFraction,
  cniMissing,
  unsupportedVersion,
  likelyEndOfLife,
  inClusterOperator,
  imagePullFailures,
  envoyMetricsNotScraped,
  istiodMetricsNotScraped,
  kialiServiceMissing,
  namespaceNotScoped,
  multipleDefaultSidecars,
  rootSidecarWithSelector,
  sidecarInAmbientNamespace,
  proxyNewerThanControlPlane,
  multipleInjectionLabels,
];

function objectKey(d: IstioDiagnostic): string {
  return d.object
    ? `${d.object.kind}/${d.object.namespace ?? ''}/${d.object.name}`
    : '';
}

/**
 * Diagnoses one cluster's mesh: runs every rule on what was read from the cluster
 * (`inventory`) and the mesh model built from it (`mesh`, whose `diagnostics` field is
 * ignored), with the backend's settings (`context`: the support matrix the mesh was
 * analysed with). Pure: no I/O, no clock (dates come from `mesh.readAt`). A rule whose
 * data is unknown reports nothing. Errors first, then warnings, then info; stable order
 * within.
 */
export function diagnose(
  inventory: MeshInventory,
  mesh: IstioMeshConfig,
  context: DiagnosticContext = {},
): IstioDiagnostic[] {
  return DIAGNOSTIC_RULES.flatMap(rule => rule(inventory, mesh, context)).sort(
    (a, b) =>
      compareSeverity(a.severity, b.severity) ||
      a.code.localeCompare(b.code) ||
      objectKey(a).localeCompare(objectKey(b)) ||
      a.message.localeCompare(b.message),
  );
}
