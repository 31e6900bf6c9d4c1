import {
  ISTIO_FIELD_MANAGER,
  ISTIO_NAMESPACE_LABELS,
  MESH_NAMESPACE_MARKS,
} from '@istio-backstage/plugin-istio-common';
import type { MeshNamespaceRequest } from './input';

const { managedByLabel, managedByValue, ownerAnnotation } =
  MESH_NAMESPACE_MARKS;

/** One Kubernetes object this action writes. */
export type MeshObject = {
  apiVersion: string;
  kind: 'Namespace' | 'Sidecar' | 'Telemetry' | 'PeerAuthentication';
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
};

/** Everything a mesh namespace consists of, in the order it is written. */
export interface MeshNamespaceObjects {
  namespace: MeshObject;
  /** Sidecar, Telemetry and PeerAuthentication, all in the new namespace. */
  namespaced: MeshObject[];
  /** Why something asked for is not written (e.g. a Sidecar in ambient mode). */
  notes: string[];
}

/**
 * Builds the objects of a mesh namespace from a checked request. Pure: the same
 * request always gives the same objects, so a re-run re-applies exactly them.
 */
export function buildMeshNamespaceObjects(
  request: MeshNamespaceRequest,
): MeshNamespaceObjects {
  const ns = request.namespace;
  const managed = { [managedByLabel]: managedByValue };
  const notes: string[] = [];

  // Exactly one data-plane label: two injection labels confuse istiod (IST0123), and
  // a namespace with an injection label is not ambient.
  let dataPlaneLabels: Record<string, string>;
  if (request.dataPlaneMode === 'ambient')
    dataPlaneLabels = { [ISTIO_NAMESPACE_LABELS.dataplaneMode]: 'ambient' };
  else if (request.revision)
    dataPlaneLabels = { [ISTIO_NAMESPACE_LABELS.revision]: request.revision };
  else dataPlaneLabels = { [ISTIO_NAMESPACE_LABELS.injection]: 'enabled' };

  const namespace: MeshObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: { ...managed, ...dataPlaneLabels },
      ...(request.owner
        ? { annotations: { [ownerAnnotation]: request.owner } }
        : {}),
    },
  };

  const namespaced: MeshObject[] = [];
  const meta = (name: string) => ({ name, namespace: ns, labels: managed });

  if (request.defaultSidecar) {
    if (request.dataPlaneMode === 'ambient') {
      notes.push(
        'No default Sidecar: Sidecar resources have no effect on ambient workloads.',
      );
    } else {
      const hosts = [
        './*',
        `${request.controlPlaneNamespace}/*`,
        ...request.extraEgressHosts,
      ];
      namespaced.push({
        apiVersion: 'networking.istio.io/v1',
        kind: 'Sidecar',
        metadata: meta('default'),
        spec: { egress: [{ hosts: [...new Set(hosts)] }] },
      });
    }
  }
  if (request.tracingSampling !== undefined) {
    namespaced.push({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: meta('default'),
      spec: {
        tracing: [{ randomSamplingPercentage: request.tracingSampling }],
      },
    });
  }
  if (request.mtls) {
    namespaced.push({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: meta('default'),
      spec: { mtls: { mode: request.mtls } },
    });
  }
  return { namespace, namespaced, notes };
}

/** The field managers of an object read from the cluster. */
export function fieldManagersOf(object: {
  metadata?: { managedFields?: Array<{ manager?: string }> };
}): string[] {
  return [
    ...new Set(
      (object.metadata?.managedFields ?? []).flatMap(f =>
        f.manager ? [f.manager] : [],
      ),
    ),
  ];
}

/**
 * Whether an existing namespace was created by this action: it carries our
 * managed-by label and (where the server reports managed fields) our field manager
 * applied to it. Anything else belongs to someone else and is never changed.
 */
export function isOurNamespace(object: {
  metadata?: {
    labels?: Record<string, string>;
    managedFields?: Array<{ manager?: string }>;
  };
}): boolean {
  if (object.metadata?.labels?.[managedByLabel] !== managedByValue)
    return false;
  const managedFields = object.metadata?.managedFields;
  return (
    managedFields === undefined ||
    fieldManagersOf(object).includes(ISTIO_FIELD_MANAGER)
  );
}
