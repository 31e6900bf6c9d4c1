import type { Entity } from '@backstage/catalog-model';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  ANNOTATION_KUBERNETES_API_SERVER,
  ANNOTATION_KUBERNETES_API_SERVER_CA,
  ANNOTATION_KUBERNETES_AUTH_PROVIDER,
  ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY,
} from '@backstage/plugin-kubernetes-common';
import { CATALOG_FILTER_EXISTS } from '@backstage/catalog-client';
import { isClusterName } from '@istio-backstage/plugin-istio-common';
import { toClusterAuth } from './authMetadata';
import {
  refuseCatalogApiServerUrl,
  type CatalogUrlRules,
} from './catalogApiServerUrl';
import type { LocatedCluster } from './configLocatorCluster';
import type { UnusableCluster } from './types';

/** Settings of the `catalog` cluster locator. @public */
export interface CatalogLocatorOptions extends CatalogUrlRules {
  dangerouslyAllowSkipTLSVerify: boolean;
}

/**
 * The catalog query of the Kubernetes plugin's `catalog` locator: Resource entities of
 * type `kubernetes-cluster` with an API server, its CA and an auth provider.
 *
 * @public
 */
export const CATALOG_CLUSTER_FILTER = {
  kind: 'Resource',
  'spec.type': 'kubernetes-cluster',
  [`metadata.annotations.${ANNOTATION_KUBERNETES_API_SERVER}`]:
    CATALOG_FILTER_EXISTS,
  [`metadata.annotations.${ANNOTATION_KUBERNETES_API_SERVER_CA}`]:
    CATALOG_FILTER_EXISTS,
  [`metadata.annotations.${ANNOTATION_KUBERNETES_AUTH_PROVIDER}`]:
    CATALOG_FILTER_EXISTS,
};

/**
 * One `kubernetes-cluster` Resource entity as the Kubernetes plugin reads it, or why it
 * cannot be used. Only `kubernetes.io/*` annotations become auth metadata, and, as in
 * the Kubernetes plugin, a catalog cluster never uses a service account token (anyone
 * who can register an entity could otherwise point the backend's token anywhere).
 */
export async function readCatalogCluster(
  entity: Entity,
  options: CatalogLocatorOptions,
): Promise<LocatedCluster | UnusableCluster> {
  const name = entity.metadata.name;
  const source = stringifyEntityRef(entity);
  const annotations = entity.metadata.annotations ?? {};
  if (!isClusterName(name))
    return { name, source, reason: `invalid cluster name '${name}'` };
  const metadata = Object.fromEntries(
    Object.entries(annotations).filter(([key]) =>
      key.startsWith('kubernetes.io/'),
    ),
  );
  const auth = toClusterAuth(metadata);
  if ('problem' in auth)
    return {
      name,
      source,
      reason: `annotation ${ANNOTATION_KUBERNETES_AUTH_PROVIDER}: ${auth.problem}`,
    };
  if (
    auth.provider === 'serviceAccount' ||
    auth.provider === 'localKubectlProxy'
  )
    return {
      name,
      source,
      reason: `a catalog cluster cannot use the '${auth.provider}' auth provider; configure it under a 'config' locator`,
    };
  const apiServer = annotations[ANNOTATION_KUBERNETES_API_SERVER];
  const refused = await refuseCatalogApiServerUrl(apiServer, options);
  if (refused) return { name, source, reason: refused };
  return {
    name,
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    url: apiServer!.replace(/\/+$/, ''),
    skipTLSVerify:
      options.dangerouslyAllowSkipTLSVerify &&
      annotations[ANNOTATION_KUBERNETES_SKIP_TLS_VERIFY] === 'true',
    caData: annotations[ANNOTATION_KUBERNETES_API_SERVER_CA],
    auth,
    locator: 'catalog',
    source,
  };
}
