import {
  ISTIO_FIELD_MANAGER,
  ISTIO_NAMESPACE_LABELS,
  MESH_NAMESPACE_MARKS,
} from '@istio-backstage/plugin-istio-common';
import type { KubernetesObject } from '@kubernetes/client-node';
import { managerOwnsField } from '@istio-backstage/plugin-istio-node';
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

/**
 * What creating the namespace POSTs: only the managed-by mark, which no run changes.
 * The data-plane labels and the owner are applied right after, so that they belong
 * to our apply alone and a later run can change or drop them (a value written by a
 * create belongs to the creator's own entry, and an apply may not change it).
 */
export function namespaceMarker(namespace: MeshObject): MeshObject {
  return {
    apiVersion: namespace.apiVersion,
    kind: namespace.kind,
    metadata: {
      name: namespace.metadata.name,
      labels: { [managedByLabel]: managedByValue },
    },
  };
}

/**
 * Whether an existing namespace was created by this action: it carries our
 * managed-by label, and its managed fields prove that our field manager wrote it. A
 * label alone proves nothing (`kubectl label` can set it), nor does a server that
 * reports no managed fields. Anything else belongs to someone else and is never changed.
 */
export function isOurNamespace(object: KubernetesObject): boolean {
  return (
    object.metadata?.labels?.[managedByLabel] === managedByValue &&
    managerOwnsField(object, ISTIO_FIELD_MANAGER, [
      'metadata',
      'labels',
      managedByLabel,
    ])
  );
}
