import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  DEFAULT_NAMESPACE,
  KubernetesValidatorFunctions,
  type Entity,
} from '@backstage/catalog-model';
import type { V1ObjectMeta } from '@kubernetes/client-node';
import {
  ANNOTATIONS,
  ISTIO_FIELD_MANAGER,
  ISTIO_NAMESPACE_LABELS,
  MESH_NAMESPACE_MARKS,
  namespaceDataPlaneMode,
  type NamespaceDataPlaneMode,
} from '@istio-backstage/plugin-istio-common';
import {
  fieldManagersOf,
  managerOwnsField,
} from '@istio-backstage/plugin-istio-node';
import {
  ENTITY_DATAPLANE_MODE_LABEL,
  ENTITY_REVISION_LABEL,
  LOCATION_TYPE,
} from './keys';

import { normalizeOwnerRef } from './ownerRef';

const REVISION_LABEL = ISTIO_NAMESPACE_LABELS.revision;
const OWNER_ANNOTATION = MESH_NAMESPACE_MARKS.ownerAnnotation;
const MANAGED_BY_LABEL = MESH_NAMESPACE_MARKS.managedByLabel;

/** The parts of a Kubernetes Namespace the mapping reads, managed fields included. */
export interface NamespaceObject {
  metadata?: Pick<
    V1ObjectMeta,
    'name' | 'labels' | 'annotations' | 'managedFields'
  >;
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
 * Why a listed namespace is not taken as one `istio:namespace:create` made, if it is
 * not: anyone who may edit a namespace can set the managed-by label (`kubectl label`),
 * so only its managed fields showing that our field manager wrote it count.
 */
function untrustedReason(namespace: NamespaceObject): string | undefined {
  const path = ['metadata', 'labels', MANAGED_BY_LABEL];
  if (managerOwnsField(namespace, ISTIO_FIELD_MANAGER, path)) return undefined;
  const managers = fieldManagersOf(namespace);
  return `its ${MANAGED_BY_LABEL} label was not written by ${ISTIO_FIELD_MANAGER}${
    managers.length ? ` (field managers: ${managers.join(', ')})` : ''
  }, so istio:namespace:create did not make it`;
}

/**
 * The entity's owner. The namespace's owner annotation counts only when our field
 * manager wrote it (the action's `owner`); one written by anyone else is ignored as if
 * missing, since it could hand the entity to any group. Without a usable annotation the
 * owner is the configured default (chosen by whoever runs Backstage, never read from
 * the cluster), else there is none and the namespace is skipped with the reason.
 */
function ownerOf(
  namespace: NamespaceObject,
  defaultOwner: string | undefined,
): { owner: string } | { problem: string } {
  const annotated = namespace.metadata?.annotations?.[OWNER_ANNOTATION];
  const ours =
    annotated !== undefined &&
    managerOwnsField(namespace, ISTIO_FIELD_MANAGER, [
      'metadata',
      'annotations',
      OWNER_ANNOTATION,
    ]);
  const owner =
    (ours ? normalizeOwnerRef(annotated) : undefined) ?? defaultOwner;
  if (owner) return { owner };
  if (annotated === undefined)
    return {
      problem: `it has no ${OWNER_ANNOTATION} annotation and no default owner is configured`,
    };
  return {
    problem: ours
      ? `its ${OWNER_ANNOTATION} annotation is not an entity ref and no default owner is configured`
      : `its ${OWNER_ANNOTATION} annotation was not written by ${ISTIO_FIELD_MANAGER} and no default owner is configured`,
  };
}

/**
 * The `Resource` entity of a mesh namespace created by `istio:namespace:create`.
 * Pure. A namespace is skipped (with the reason) when our field manager did not write
 * its managed-by label, when it has no usable owner (an annotation our field manager
 * wrote, else the default owner), or when its
 * entity name would be too long.
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
  const untrusted = untrustedReason(args.namespace);
  if (untrusted) return skip(untrusted);

  const name = entityNameFor(cluster, namespace, multiCluster);
  if (!name)
    return skip(
      `the entity name '${cluster}.${namespace}' would be longer than 63 characters`,
    );

  const ownership = ownerOf(args.namespace, args.defaultOwner);
  if ('problem' in ownership) return skip(ownership.problem);
  const { owner } = ownership;

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
