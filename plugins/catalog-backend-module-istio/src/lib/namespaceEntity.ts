import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  DEFAULT_NAMESPACE,
  KubernetesValidatorFunctions,
  type Entity,
} from '@backstage/catalog-model';
import {
  ANNOTATIONS,
  ISTIO_NAMESPACE_LABELS,
  MESH_NAMESPACE_MARKS,
  namespaceDataPlaneMode,
  type NamespaceDataPlaneMode,
} from '@istio-backstage/plugin-istio-common';
import {
  ENTITY_DATAPLANE_MODE_LABEL,
  ENTITY_REVISION_LABEL,
  LOCATION_TYPE,
} from './keys';

import { normalizeOwnerRef } from './ownerRef';

const REVISION_LABEL = ISTIO_NAMESPACE_LABELS.revision;
const OWNER_ANNOTATION = MESH_NAMESPACE_MARKS.ownerAnnotation;

/** The parts of a Kubernetes Namespace the mapping reads. */
export interface NamespaceObject {
  metadata?: {
    name?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
}

/** How a namespace takes part in the mesh, from its labels. */
export type DataPlaneMode = NamespaceDataPlaneMode;

/** The data-plane mode a namespace's labels give it (Istio's injection webhook rules). */
export const dataPlaneModeOf = (labels: Record<string, string> = {}) =>
  namespaceDataPlaneMode(labels);

/**
 * The entity name of a namespace. With one configured cluster it is the namespace's
 * own name; with more, `<cluster>.<namespace>`. That cannot collide: a namespace name
 * (a DNS-1123 label) has no `.`, so the part after the last `.` is always the
 * namespace and the rest the cluster, whose names are unique. Undefined when the
 * result is longer than an entity name may be (63 characters).
 */
export function entityNameFor(
  cluster: string,
  namespace: string,
  multiCluster: boolean,
): string | undefined {
  const name = multiCluster ? `${cluster}.${namespace}` : namespace;
  return KubernetesValidatorFunctions.isValidObjectName(name)
    ? name
    : undefined;
}

/** `backstage.io/managed-by-location` of the entities of one cluster. */
function locationRefFor(cluster: string): string {
  return `${LOCATION_TYPE}:${cluster}`;
}

/** The outcome of mapping one namespace. */
export type NamespaceEntityResult =
  | { ok: true; entity: Entity }
  | { ok: false; namespace: string; reason: string };

/**
 * The `Resource` entity of a mesh namespace created by `istio:namespace:create`.
 * Pure. A namespace is skipped (with the reason) when it has no usable owner — the
 * annotation is missing or not an entity ref and no default owner is configured —
 * or when its entity name would be too long.
 */
export function namespaceEntity(args: {
  cluster: string;
  multiCluster: boolean;
  namespace: NamespaceObject;
  /** A normalized entity ref, used when the namespace names no valid owner. */
  defaultOwner?: string;
}): NamespaceEntityResult {
  const { cluster, multiCluster } = args;
  const metadata = args.namespace.metadata ?? {};
  const namespace = metadata.name ?? '';
  const skip = (reason: string): NamespaceEntityResult => ({
    ok: false,
    namespace,
    reason,
  });
  if (!KubernetesValidatorFunctions.isValidNamespace(namespace))
    return skip('the namespace has no valid name');

  const name = entityNameFor(cluster, namespace, multiCluster);
  if (!name)
    return skip(
      `the entity name '${cluster}.${namespace}' would be longer than 63 characters`,
    );

  const annotated = metadata.annotations?.[OWNER_ANNOTATION];
  const owner =
    (annotated !== undefined ? normalizeOwnerRef(annotated) : undefined) ??
    args.defaultOwner;
  if (!owner)
    return skip(
      annotated === undefined
        ? `it has no ${OWNER_ANNOTATION} annotation and no default owner is configured`
        : `its ${OWNER_ANNOTATION} annotation is not an entity ref and no default owner is configured`,
    );

  const labels = metadata.labels ?? {};
  const revision = labels[REVISION_LABEL];
  const location = locationRefFor(cluster);
  return {
    ok: true,
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name,
        namespace: DEFAULT_NAMESPACE,
        ...(multiCluster ? { title: `${namespace} (${cluster})` } : {}),
        description: `Istio mesh namespace ${namespace} on cluster ${cluster}`,
        labels: {
          [ENTITY_DATAPLANE_MODE_LABEL]: dataPlaneModeOf(labels),
          ...(revision &&
          KubernetesValidatorFunctions.isValidLabelValue(revision)
            ? { [ENTITY_REVISION_LABEL]: revision }
            : {}),
        },
        annotations: {
          [ANNOTATION_LOCATION]: location,
          [ANNOTATION_ORIGIN_LOCATION]: location,
          [ANNOTATIONS.kubernetesNamespace]: namespace,
          // The Kubernetes plugin's convention, as in the template's catalog-info.yaml:
          // pods labelled `backstage.io/kubernetes-id=<namespace>` belong to the entity.
          [ANNOTATIONS.kubernetesId]: namespace,
          [ANNOTATIONS.kubernetesCluster]: cluster,
        },
      },
      spec: {
        type: 'kubernetes-namespace',
        owner,
      },
    },
  };
}
