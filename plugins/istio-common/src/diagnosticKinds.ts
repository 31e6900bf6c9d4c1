/** How bad a diagnostic is. @public */
export type IstioDiagnosticSeverity = 'error' | 'warning' | 'info';

/**
 * Severities, most severe first: the order diagnostics are listed in.
 *
 * @public
 */
export const DIAGNOSTIC_SEVERITIES: readonly IstioDiagnosticSeverity[] = [
  'error',
  'warning',
  'info',
];

/**
 * Whose workloads a diagnostic affects: `mesh`, every workload whichever object it
 * names; `namespace`, the workloads of the namespace it names (its object's namespace,
 * or the Namespace itself); `object`, the one object it names.
 *
 * @public
 */
export type IstioDiagnosticScope = 'mesh' | 'namespace' | 'object';

/**
 * What a diagnostic is about: `tracing` (where spans go, sampling), `versions` (Istio and
 * Kubernetes releases, proxies against their control plane), `control-plane` (istiod and
 * how it is installed), `data-plane` (injection, CNI, the mesh's images), `gateways`,
 * `sidecars` (Sidecar resources and scoping), `observability` (metrics and Kiali).
 *
 * @public
 */
export type IstioDiagnosticTopic =
  | 'tracing'
  | 'versions'
  | 'control-plane'
  | 'data-plane'
  | 'gateways'
  | 'sidecars'
  | 'observability';

/** What every diagnostic of one code shares. @public */
export interface IstioDiagnosticKind {
  severity: IstioDiagnosticSeverity;
  scope: IstioDiagnosticScope;
  topic: IstioDiagnosticTopic;
}

/**
 * Every diagnostic code the backend emits, with the severity, scope and topic each of
 * its diagnostics carries. Codes are stable: one is never renamed, a new one is added.
 * Consumers read `scope` and `topic` from each diagnostic, so a code newer than this
 * table still works.
 *
 * @public
 */
export const DIAGNOSTIC_KINDS = {
  'IBS-GATEWAY-IN-ROOT-NAMESPACE': {
    severity: 'warning',
    scope: 'object',
    topic: 'gateways',
  },
  'IBS-GATEWAY-NO-INJECTION': {
    severity: 'warning',
    scope: 'object',
    topic: 'gateways',
  },
  'IBS-TRACING-COLLECTOR-MISSING': {
    severity: 'error',
    scope: 'mesh',
    topic: 'tracing',
  },
  'IBS-TRACING-NO-PROVIDER': {
    severity: 'warning',
    scope: 'mesh',
    topic: 'tracing',
  },
  'IBS-TRACING-FULL-SAMPLING': {
    severity: 'warning',
    scope: 'mesh',
    topic: 'tracing',
  },
  'IBS-TRACING-SAMPLING-FRACTION': {
    severity: 'info',
    scope: 'mesh',
    topic: 'tracing',
  },
  'IBS-CNI-MISSING': {
    severity: 'warning',
    scope: 'mesh',
    topic: 'data-plane',
  },
  'IBS-VERSION-UNSUPPORTED': {
    severity: 'warning',
    scope: 'mesh',
    topic: 'versions',
  },
  'IBS-VERSION-LIKELY-EOL': {
    severity: 'info',
    scope: 'mesh',
    topic: 'versions',
  },
  'IBS-IN-CLUSTER-OPERATOR': {
    severity: 'warning',
    scope: 'object',
    topic: 'control-plane',
  },
  'IBS-IMAGE-PULL-FAILED': {
    severity: 'error',
    scope: 'mesh',
    topic: 'data-plane',
  },
  // Without Envoy series every workload loses its graph and memory history.
  'IBS-ENVOY-METRICS-NOT-SCRAPED': {
    severity: 'warning',
    scope: 'mesh',
    topic: 'observability',
  },
  'IBS-ISTIOD-METRICS-NOT-SCRAPED': {
    severity: 'warning',
    scope: 'object',
    topic: 'observability',
  },
  'IBS-KIALI-SERVICE-MISSING': {
    severity: 'warning',
    scope: 'object',
    topic: 'observability',
  },
  'IBS-NAMESPACE-NOT-SCOPED': {
    severity: 'info',
    scope: 'namespace',
    topic: 'sidecars',
  },
  'IBS-SIDECAR-MULTIPLE-DEFAULTS': {
    severity: 'error',
    scope: 'namespace',
    topic: 'sidecars',
  },
  'IBS-ROOT-SIDECAR-WITH-SELECTOR': {
    severity: 'warning',
    scope: 'object',
    topic: 'sidecars',
  },
  'IBS-SIDECAR-IN-AMBIENT-NAMESPACE': {
    severity: 'warning',
    scope: 'object',
    topic: 'sidecars',
  },
  // Found per namespace: the proxies of the namespace it names.
  'IBS-PROXY-NEWER-THAN-CONTROL-PLANE': {
    severity: 'error',
    scope: 'namespace',
    topic: 'versions',
  },
  'IBS-NAMESPACE-MULTIPLE-INJECTION-LABELS': {
    severity: 'warning',
    scope: 'namespace',
    topic: 'data-plane',
  },
} as const satisfies Record<string, IstioDiagnosticKind>;

/** A code of {@link DIAGNOSTIC_KINDS}. @public */
export type IstioDiagnosticCode = keyof typeof DIAGNOSTIC_KINDS;

/**
 * Orders diagnostics by severity, most severe first (for `Array.prototype.sort`).
 *
 * @public
 */
export function compareSeverity(
  a: IstioDiagnosticSeverity,
  b: IstioDiagnosticSeverity,
): number {
  return DIAGNOSTIC_SEVERITIES.indexOf(a) - DIAGNOSTIC_SEVERITIES.indexOf(b);
}
