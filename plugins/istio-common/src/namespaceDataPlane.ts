import { ISTIO_NAMESPACE_LABELS } from './meshNamespaceKeys';

/**
 * How a namespace takes part in the mesh, from its labels.
 *
 * @public
 */
export type NamespaceDataPlaneMode = 'sidecar' | 'ambient' | 'none';

/**
 * A Kubernetes object's labels, as read from its metadata (undefined when it has none).
 *
 * @public
 */
export type Labels = Readonly<Record<string, string>> | undefined;

/**
 * Whether a namespace's labels ask for sidecar injection, as Istio's injection webhooks
 * select namespaces: `istio-injection=enabled` (the default revision's webhook), or an
 * `istio.io/rev=<revision>` label on a namespace without any `istio-injection` label
 * (a revision's webhook requires that label to be absent, so `disabled` turns it off).
 *
 * @public
 */
export function injectsSidecars(labels: Labels): boolean {
  const injection = labels?.[ISTIO_NAMESPACE_LABELS.injection];
  if (injection !== undefined) return injection === 'enabled';
  return Boolean(labels?.[ISTIO_NAMESPACE_LABELS.revision]);
}

/**
 * Whether a namespace is in ambient mode: labelled `istio.io/dataplane-mode=ambient`
 * without asking for sidecar injection ({@link injectsSidecars}), which takes precedence
 * (pods with a sidecar are never redirected to ztunnel).
 *
 * @public
 */
export function isAmbientNamespace(labels: Labels): boolean {
  return (
    labels?.[ISTIO_NAMESPACE_LABELS.dataplaneMode] === 'ambient' &&
    !injectsSidecars(labels)
  );
}

/**
 * The data plane a namespace's labels give its new pods: sidecars, ambient, or none.
 *
 * @public
 */
export function namespaceDataPlaneMode(labels: Labels): NamespaceDataPlaneMode {
  if (injectsSidecars(labels)) return 'sidecar';
  return isAmbientNamespace(labels) ? 'ambient' : 'none';
}
