import type { MeshNamespaceRequest } from './input';

/** The field manager our writes own fields as; the same as the Istio backend's. */
export const FIELD_MANAGER = 'backstage-istio';

/** Marks the namespace (and the objects in it) as created by this action. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** Value of {@link MANAGED_BY_LABEL} on everything this action writes. */
export const MANAGED_BY_VALUE = FIELD_MANAGER;
/** Catalog entity ref of the namespace's owner (an annotation: refs are not label values). */
export const OWNER_ANNOTATION = 'istio-backstage.io/owner';

const INJECTION_LABEL = 'istio-injection';
const REVISION_LABEL = 'istio.io/rev';
const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';

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
  const managed = { [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
  const notes: string[] = [];

  // Exactly one data-plane label: two injection labels confuse istiod (IST0123), and
  // a namespace with an injection label is not ambient.
  let dataPlaneLabels: Record<string, string>;
  if (request.dataPlaneMode === 'ambient')
    dataPlaneLabels = { [DATAPLANE_MODE_LABEL]: 'ambient' };
  else if (request.revision)
    dataPlaneLabels = { [REVISION_LABEL]: request.revision };
  else dataPlaneLabels = { [INJECTION_LABEL]: 'enabled' };

  const namespace: MeshObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns,
      labels: { ...managed, ...dataPlaneLabels },
      ...(request.owner
        ? { annotations: { [OWNER_ANNOTATION]: request.owner } }
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
  if (object.metadata?.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE)
    return false;
  const managedFields = object.metadata?.managedFields;
  return (
    managedFields === undefined ||
    fieldManagersOf(object).includes(FIELD_MANAGER)
  );
}
