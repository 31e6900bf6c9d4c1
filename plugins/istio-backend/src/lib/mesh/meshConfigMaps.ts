import type { V1Deployment } from '@kubernetes/client-node';

/** MeshConfig ConfigMaps in istiod's namespace: `istio` (default revision) and `istio-<rev>`. */
export const MESH_CONFIG_MAP_NAME = /^istio(-[a-z0-9-]+)?$/;

/** Where the mesh's ConfigMaps live when no istiod Deployment says otherwise. */
export const DEFAULT_CONTROL_PLANE_NAMESPACE = 'istio-system';

const appOf = (d: V1Deployment) =>
  d.metadata?.labels?.app ?? d.spec?.template?.metadata?.labels?.app;

/**
 * The namespaces whose ConfigMaps describe the mesh: those running istiod (MeshConfig
 * and injector per revision) or Kiali (its config). The ConfigMaps are read there
 * only, so the backend needs no cluster-wide ConfigMap access (ConfigMaps elsewhere
 * hold applications' settings and, often, credentials).
 */
export function controlPlaneNamespaces(
  deployments: V1Deployment[] | undefined,
): string[] {
  const found = new Set<string>();
  for (const d of deployments ?? [])
    if (['istiod', 'kiali'].includes(appOf(d) ?? '') && d.metadata?.namespace)
      found.add(d.metadata.namespace);
  if (found.size === 0) found.add(DEFAULT_CONTROL_PLANE_NAMESPACE);
  return [...found].sort();
}

/**
 * The ConfigMaps istiod reads its MeshConfig from besides `istio[-<rev>]`: those named by
 * an istiod's `SHARED_MESH_CONFIG` (a MeshConfig shared by the revisions, under their own).
 */
export function sharedMeshConfigNames(
  deployments: readonly V1Deployment[] | undefined,
): string[] {
  const names = new Set<string>();
  for (const d of deployments ?? []) {
    if (appOf(d) !== 'istiod') continue;
    for (const c of d.spec?.template?.spec?.containers ?? [])
      for (const e of c.env ?? [])
        if (e.name === 'SHARED_MESH_CONFIG' && e.value) names.add(e.value);
  }
  return [...names];
}

/** Lists the revision tags: MutatingWebhookConfigurations labelled `istio.io/tag` (cluster-scoped). */
export const REVISION_TAG_WEBHOOKS = {
  path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  labelSelector: 'istio.io/tag',
  source: 'kubernetes:mutatingwebhookconfigurations',
} as const;
