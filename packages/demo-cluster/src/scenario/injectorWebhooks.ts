// The MutatingWebhookConfigurations through which the API server sends new pods to an
// istiod for injection: `istio-sidecar-injector[-<rev>]` per revision (istiod's chart) and
// `istio-revision-tag-<tag>` per revision tag (`istioctl tag set`). Their selectors are the
// charts'; injection.ts decides the same way for the simulator's own pods.
import type { KubeObject } from '../store/types';
import { istiodName, type ControlPlane } from './controlPlanes';
import type { InjectionContext } from './injection';

type Requirement = { key: string; operator: string; values?: string[] };

const INJECT = 'sidecar.istio.io/inject';
const REV = 'istio.io/rev';
const INJECTION = 'istio-injection';

const exists = (key: string): Requirement => ({
  key,
  operator: 'DoesNotExist',
});
const oneOf = (key: string, value: string): Requirement => ({
  key,
  operator: 'In',
  values: [value],
});
const notFalse: Requirement = {
  key: INJECT,
  operator: 'NotIn',
  values: ['false'],
};

/** `istioctl tag set default` makes the default revision's own entries match nothing. */
const NEVER_MATCH = { matchLabels: { 'istio.io/deactivated': 'never-match' } };

function entry(
  prefix: string,
  target: { revision: string; rootNs: string },
  namespaceSelector: unknown,
  objectSelector: unknown,
) {
  return {
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: {
      service: {
        name: istiodName(target.revision),
        namespace: target.rootNs,
        path: '/inject',
        port: 443,
      },
    },
    rules: [
      {
        operations: ['CREATE'],
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['pods'],
      },
    ],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    sideEffects: 'None',
    admissionReviewVersions: ['v1'],
    namespaceSelector,
    objectSelector,
  };
}

/** The entries selecting pods by `istio.io/rev=<value>`, and for the default the legacy ones. */
function entries(
  value: string,
  target: { revision: string; rootNs: string },
  options: { legacy: boolean; preference?: 'namespace' | 'pod' },
) {
  const pod = options.preference === 'pod';
  const list = [
    entry(
      'rev.namespace.',
      target,
      { matchExpressions: [oneOf(REV, value), exists(INJECTION)] },
      { matchExpressions: [notFalse, ...(pod ? [exists(REV)] : [])] },
    ),
    entry(
      'rev.object.',
      target,
      {
        matchExpressions: [...(pod ? [] : [exists(REV)]), exists(INJECTION)],
      },
      { matchExpressions: [notFalse, oneOf(REV, value)] },
    ),
  ];
  if (!options.legacy) return list;
  return [
    ...list,
    entry(
      'namespace.',
      target,
      { matchExpressions: [oneOf(INJECTION, 'enabled')] },
      { matchExpressions: [notFalse] },
    ),
    entry(
      'object.',
      target,
      { matchExpressions: [exists(INJECTION), exists(REV)] },
      { matchExpressions: [oneOf(INJECT, 'true'), exists(REV)] },
    ),
  ];
}

function webhookConfiguration(
  name: string,
  labels: Record<string, string>,
  webhooks: unknown[],
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name,
      labels: {
        app: 'sidecar-injector',
        'install.operator.istio.io/owning-resource': 'unknown',
        'operator.istio.io/component': 'Pilot',
        ...labels,
      },
    },
    webhooks,
  };
}

/**
 * One MutatingWebhookConfiguration per control plane and one per revision tag. The
 * default control plane's carries the legacy `istio-injection`/`sidecar.istio.io/inject`
 * entries unless a `default` tag exists, whose webhook then carries them (and, for a
 * revision named `default`, the revision's own entries are deactivated as istioctl does).
 */
export function injectorWebhooks(
  planes: ControlPlane[],
  context: InjectionContext,
  rootNs: string,
): KubeObject[] {
  const defaultTag = context.tags.default !== undefined;
  const { preference } = context;
  const result = planes.map(plane => {
    const target = { revision: plane.revision, rootNs };
    const suffix = plane.revision === 'default' ? '' : `-${plane.revision}`;
    const deactivated = plane.revision === 'default' && defaultTag;
    const webhooks = entries(plane.revision, target, {
      legacy: plane.isDefault && !defaultTag,
      preference,
    }).map(w =>
      deactivated
        ? { ...w, namespaceSelector: NEVER_MATCH, objectSelector: NEVER_MATCH }
        : w,
    );
    return webhookConfiguration(
      `istio-sidecar-injector${suffix}`,
      { [REV]: plane.revision },
      webhooks,
    );
  });
  for (const [tag, revision] of Object.entries(context.tags)) {
    result.push(
      webhookConfiguration(
        `istio-revision-tag-${tag}`,
        { [REV]: revision, 'istio.io/tag': tag },
        entries(
          tag,
          { revision, rootNs },
          { legacy: tag === 'default', preference },
        ),
      ),
    );
  }
  return result;
}
