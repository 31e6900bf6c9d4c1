import { ServiceUnavailableError } from '@backstage/errors';
import {
  toSourceError,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import { KUBERNETES_VERSION } from '../installConfig/patterns';

/** Where istiod runs unless a mesh was installed elsewhere (Istio's default). */
export const CONTROL_PLANE_NAMESPACE = 'istio-system';

/** The Istio control plane a cluster runs, as far as it could be read. */
export interface ClusterIstioVersions {
  /**
   * Distinct versions of the istiod Deployments in `istio-system` (one per revision),
   * sorted. Empty with no `unknownReason`: no istiod Deployment there.
   */
  versions: string[];
  /** Why the versions are unknown (sanitized), when they could not be read. */
  unknownReason?: string;
}

/** What a cluster says about its versions. */
export interface ClusterVersions {
  /** The API server's `gitVersion`, e.g. `v1.33.2`. */
  kubernetesVersion: string;
  istio: ClusterIstioVersions;
}

/**
 * The Istio version an istiod image was built for: the tag of
 * `<hub>/pilot:<tag>[@digest]`, e.g. `1.28.1` of `docker.io/istio/pilot:1.28.1-distroless`.
 * Undefined for a digest-only image or a tag that is not a version.
 */
export function istioVersionOfImage(image: string): string | undefined {
  const withoutDigest = image.trim().split('@')[0];
  const lastSegment = withoutDigest.slice(withoutDigest.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  if (colon < 0) return undefined;
  const match =
    /^(\d{1,3}\.\d{1,3}\.\d{1,3})(?:-[0-9A-Za-z][0-9A-Za-z.-]*)?$/.exec(
      lastSegment.slice(colon + 1),
    );
  return match?.[1];
}

/**
 * The cluster's Kubernetes version from `GET /version`. Fails with a sanitized
 * message (never the upstream body): without it there is nothing to check.
 */
async function readKubernetesVersion(client: ClusterClient): Promise<string> {
  let gitVersion: unknown;
  try {
    gitVersion = (await client.read(apis => apis.version.getCode())).gitVersion;
  } catch (error) {
    const failure = toSourceError('kubernetes:version', error);
    throw new ServiceUnavailableError(
      `Could not read the Kubernetes version of cluster '${client.cluster.name}': ${failure.message}`,
    );
  }
  // Only a well-formed version goes further (into logs, outputs and the rendered files).
  if (typeof gitVersion !== 'string' || !KUBERNETES_VERSION.test(gitVersion))
    throw new ServiceUnavailableError(
      `Cluster '${client.cluster.name}' answered /version without a valid gitVersion`,
    );
  return gitVersion;
}

/**
 * The Istio versions of the istiod Deployments in `istio-system`. Optional
 * information: a failed read says unknown and why, and never fails the caller.
 */
async function readIstiodVersions(
  client: ClusterClient,
): Promise<ClusterIstioVersions> {
  try {
    const list = await client.read(apis =>
      apis.apps.listNamespacedDeployment({
        namespace: CONTROL_PLANE_NAMESPACE,
        labelSelector: 'app=istiod',
      }),
    );
    const versions = new Set<string>();
    for (const deployment of list.items) {
      const containers = deployment.spec?.template.spec?.containers ?? [];
      // istiod's container is called `discovery`; fall back to the only one.
      const container =
        containers.find(c => c.name === 'discovery') ??
        (containers.length === 1 ? containers[0] : undefined);
      const version = container?.image
        ? istioVersionOfImage(container.image)
        : undefined;
      if (!version)
        return {
          versions: [],
          unknownReason: `the image of Deployment ${CONTROL_PLANE_NAMESPACE}/${deployment.metadata?.name} has no version tag`,
        };
      versions.add(version);
    }
    return {
      versions: [...versions].sort((a, b) =>
        a.localeCompare(b, 'en', { numeric: true }),
      ),
    };
  } catch (error) {
    return {
      versions: [],
      unknownReason: `could not list istiod Deployments: ${
        toSourceError('kubernetes:deployments', error).message
      }`,
    };
  }
}

/**
 * Reads a configured cluster's Kubernetes version and (best effort) the Istio version
 * its istiod runs, with the configured credentials. Reads only.
 */
export async function readClusterVersions(
  client: ClusterClient,
): Promise<ClusterVersions> {
  const [kubernetesVersion, istio] = await Promise.all([
    readKubernetesVersion(client),
    readIstiodVersions(client),
  ]);
  return { kubernetesVersion, istio };
}
