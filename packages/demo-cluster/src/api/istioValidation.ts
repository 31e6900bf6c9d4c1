// What istiod's validating webhook (`validation.istio.io`) rejects, for the parts the
// simulator's clients exercise: Sidecar egress hosts and root-namespace selectors, and
// Telemetry's selector/targetRefs, provider names and sampling percentage (Istio's
// pkg/config/validation: ValidateSidecar, ValidateTelemetry).
import type { KubeObject } from '../store/types';

interface TargetRef {
  group?: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

/** Kinds a Telemetry's `targetRef(s)` may name, by group (`''` is the core group). */
const TARGET_KINDS: Record<string, string[]> = {
  '': ['Service'],
  'networking.istio.io': ['ServiceEntry'],
  'gateway.networking.k8s.io': ['Gateway', 'GatewayClass'],
};

function sidecarProblems(object: KubeObject, rootNamespace: string): string[] {
  const spec = (object.spec ?? {}) as {
    egress?: Array<{ hosts?: string[] }>;
    workloadSelector?: unknown;
  };
  const problems: string[] = [];
  for (const [i, egress] of (spec.egress ?? []).entries()) {
    if (!egress.hosts || egress.hosts.length === 0)
      problems.push(
        `sidecar: egress listener ${i} must have at least one host`,
      );
    for (const host of egress.hosts ?? []) {
      const parts = host.split('/');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
        problems.push(
          `sidecar: host must be of form namespace/dnsName: ${host}`,
        );
      }
    }
  }
  if (object.metadata.namespace === rootNamespace && spec.workloadSelector) {
    problems.push(
      'sidecar: a Sidecar in the root namespace must not have a workloadSelector',
    );
  }
  return problems;
}

function targetRefProblems(ref: TargetRef): string[] {
  const problems: string[] = [];
  if (!ref.name) problems.push('targetRef name must be set');
  if (ref.namespace)
    problems.push(
      'targetRef namespace must not be set; cross namespace referencing is not supported',
    );
  const group = ref.group === 'core' ? '' : ref.group ?? '';
  if (!(TARGET_KINDS[group] ?? []).includes(ref.kind ?? ''))
    problems.push(
      `targetRef must be to one of Service, networking.istio.io/ServiceEntry, gateway.networking.k8s.io/Gateway or GatewayClass but was ${group}/${
        ref.kind ?? ''
      }`,
    );
  return problems;
}

function telemetryProblems(object: KubeObject): string[] {
  const spec = (object.spec ?? {}) as {
    selector?: unknown;
    targetRef?: TargetRef;
    targetRefs?: TargetRef[];
    tracing?: Array<{
      providers?: Array<{ name?: string }>;
      randomSamplingPercentage?: number;
    }>;
    metrics?: Array<{ providers?: Array<{ name?: string }> }>;
    accessLogging?: Array<{ providers?: Array<{ name?: string }> }>;
  };
  const problems: string[] = [];
  const refs = [
    ...(spec.targetRef ? [spec.targetRef] : []),
    ...(spec.targetRefs ?? []),
  ];
  const selectorKinds = [
    spec.selector,
    spec.targetRef,
    spec.targetRefs?.length ? spec.targetRefs : undefined,
  ].filter(Boolean).length;
  if (selectorKinds > 1)
    problems.push('only one of targetRefs or workloadSelector can be set');
  for (const ref of refs) problems.push(...targetRefProblems(ref));
  const withProviders = [
    ...(spec.tracing ?? []),
    ...(spec.metrics ?? []),
    ...(spec.accessLogging ?? []),
  ];
  if (withProviders.some(t => (t.providers ?? []).some(p => !p?.name)))
    problems.push('providers.name may not be empty');
  for (const tracing of spec.tracing ?? []) {
    const percent = tracing.randomSamplingPercentage;
    if (percent !== undefined && (percent < 0 || percent > 100))
      problems.push('randomSamplingPercentage must be in range [0.0, 100.0]');
  }
  return problems;
}

/** Why istiod's validating webhook would refuse an Istio object; empty when it accepts it. */
export function istioValidationProblems(
  object: KubeObject,
  rootNamespace: string,
): string[] {
  if (object.kind === 'Sidecar') return sidecarProblems(object, rootNamespace);
  if (object.kind === 'Telemetry') return telemetryProblems(object);
  return [];
}
