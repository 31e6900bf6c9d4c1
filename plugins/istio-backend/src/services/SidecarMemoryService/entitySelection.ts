import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ANNOTATIONS,
  DNS1123_LABEL,
  isLabelValue,
} from '@istio-backstage/plugin-istio-common';

/** How an entity's pods are found, as the Kubernetes plugin finds them. */
export interface EntitySelection {
  /** Kubernetes label selector for the entity's pods. */
  labelSelector: string;
  /** The annotated namespace, or undefined to search every namespace. */
  namespace?: string;
  /** The annotated cluster, or undefined for every configured cluster. */
  cluster?: string;
}

/** The characters a Kubernetes label selector may contain. */
const SELECTOR = /^[A-Za-z0-9_.\-/=!, ()]{1,512}$/;

/** Checks a namespace name against DNS-1123 before it goes anywhere. */
export function checkNamespace(namespace: string): string {
  if (!DNS1123_LABEL.test(namespace)) {
    throw new InputError(
      `'${namespace.slice(0, 80)}' is not a valid Kubernetes namespace name`,
    );
  }
  return namespace;
}

/** The selection of an entity, validated; throws InputError for unusable annotations. */
export function entitySelection(entity: Entity): EntitySelection {
  const annotations = entity.metadata.annotations ?? {};
  const id = annotations[ANNOTATIONS.kubernetesId]?.trim();
  const selector = annotations[ANNOTATIONS.kubernetesLabelSelector]?.trim();
  const namespace = annotations[ANNOTATIONS.kubernetesNamespace]?.trim();
  const cluster = annotations[ANNOTATIONS.kubernetesCluster]?.trim();
  let labelSelector: string;
  if (selector) {
    if (!SELECTOR.test(selector))
      throw new InputError(
        `The entity's ${ANNOTATIONS.kubernetesLabelSelector} is not a valid label selector`,
      );
    labelSelector = selector;
  } else if (id) {
    if (!isLabelValue(id))
      throw new InputError(
        `The entity's ${ANNOTATIONS.kubernetesId} is not a valid label value`,
      );
    labelSelector = `${ANNOTATIONS.kubernetesId}=${id}`;
  } else {
    throw new InputError(
      `The entity has neither ${ANNOTATIONS.kubernetesId} nor ${ANNOTATIONS.kubernetesLabelSelector}`,
    );
  }
  return {
    labelSelector,
    ...(namespace ? { namespace: checkNamespace(namespace) } : {}),
    ...(cluster ? { cluster } : {}),
  };
}
