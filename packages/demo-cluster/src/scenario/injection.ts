// Which control plane injects a pod, as the API server decides it from the mutating
// webhooks istiod's chart and `istioctl tag set` install (their namespace and object
// selectors); see injectorWebhooks.ts for the webhooks themselves.

/** What the injection webhooks of a cluster decide on. */
export interface InjectionContext {
  /** The installed revisions. */
  revisions: readonly string[];
  /** Revision tags: tag → the revision its webhook sends pods to. */
  tags: Readonly<Record<string, string>>;
  /** The revision behind `istio-injection=enabled` when no `default` tag exists. */
  defaultRevision: string;
  /**
   * `sidecarInjectorWebhook.revisionLabelPreference` of newer Istio charts: with `pod`, a
   * pod's `istio.io/rev` beats its namespace's. Default `namespace`, as in every chart
   * before that value existed.
   */
  preference?: 'namespace' | 'pod';
}

/**
 * The revision whose istiod injects a pod created with these labels in a namespace with
 * these labels, or undefined when no webhook matches (no sidecar). As the webhooks'
 * selectors decide it:
 * - `sidecar.istio.io/inject=false` on the pod: never injected;
 * - a namespace `istio-injection` label wins over every `istio.io/rev` label: `enabled`
 *   means the default revision (the `default` tag's revision when that tag exists, as
 *   after `istioctl tag set default`), any other value (`disabled`) means no injection;
 * - then the namespace's `istio.io/rev` (a revision or a tag), unless the preference is
 *   `pod` and the pod has its own `istio.io/rev`;
 * - then the pod's `istio.io/rev`;
 * - then `sidecar.istio.io/inject=true` on the pod: the default revision.
 * An `istio.io/rev` naming neither a revision nor a tag matches no webhook.
 */
export function injectingRevision(
  namespaceLabels: Readonly<Record<string, string>>,
  podLabels: Readonly<Record<string, string>>,
  context: InjectionContext,
): string | undefined {
  const inject = podLabels['sidecar.istio.io/inject'];
  if (inject === 'false') return undefined;
  // Tags first: `default` names the default tag once `istioctl tag set default` has
  // deactivated the default revision's own webhooks.
  const named = (name: string) =>
    context.tags[name] ?? (context.revisions.includes(name) ? name : undefined);
  const byDefault = () => context.tags.default ?? context.defaultRevision;
  const namespaceInjection = namespaceLabels['istio-injection'];
  if (namespaceInjection !== undefined)
    return namespaceInjection === 'enabled' ? byDefault() : undefined;
  const namespaceRev = namespaceLabels['istio.io/rev'];
  const podRev = podLabels['istio.io/rev'];
  if (namespaceRev !== undefined)
    return named(
      context.preference === 'pod' && podRev !== undefined
        ? podRev
        : namespaceRev,
    );
  if (podRev !== undefined) return named(podRev);
  return inject === 'true' ? byDefault() : undefined;
}
