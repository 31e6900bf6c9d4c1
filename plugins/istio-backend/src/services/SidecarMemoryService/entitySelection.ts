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
  /**
   * The selector as equality labels (`backstage.io/kubernetes-id: <id>`, or the
   * `key=value` requirements of an equality-only label selector): what a Sidecar's
   * `workloadSelector` can select the entity's pods with. Undefined when the selector
   * has set-based requirements (`in`, `notin`, `!=`, `key`, `!key`).
   */
  matchLabels?: Record<string, string>;
}

/** A label key: an optional DNS subdomain prefix and `/`, then a name of ≤ 63 characters. */
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * The `key=value` (or `key==value`) requirements of an equality-only label selector as
 * labels; undefined when any requirement is set-based, malformed, or a key repeats.
 */
export function equalityLabels(
  selector: string,
): Record<string, string> | undefined {
  if (selector.includes('(')) return undefined;
  const labels: Record<string, string> = {};
  for (const requirement of selector.split(',')) {
    const match = /^\s*([^\s=!]+)\s*==?\s*([^\s=!]*)\s*$/.exec(requirement);
    if (!match) return undefined;
    const [, key, value] = match;
    if (!LABEL_KEY.test(key) || key.split('/')[0].length > 253)
      return undefined;
    if (!isLabelValue(value) || key in labels) return undefined;
    labels[key] = value;
  }
  return Object.keys(labels).length > 0 ? labels : undefined;
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
  let matchLabels: Record<string, string> | undefined;
  if (selector) {
    if (!SELECTOR.test(selector))
      throw new InputError(
        `The entity's ${ANNOTATIONS.kubernetesLabelSelector} is not a valid label selector`,
      );
    labelSelector = selector;
    matchLabels = equalityLabels(selector);
  } else if (id) {
    if (!isLabelValue(id))
      throw new InputError(
        `The entity's ${ANNOTATIONS.kubernetesId} is not a valid label value`,
      );
    labelSelector = `${ANNOTATIONS.kubernetesId}=${id}`;
    matchLabels = { [ANNOTATIONS.kubernetesId]: id };
  } else {
    throw new InputError(
      `The entity has neither ${ANNOTATIONS.kubernetesId} nor ${ANNOTATIONS.kubernetesLabelSelector}`,
    );
  }
  return {
    labelSelector,
    ...(namespace ? { namespace: checkNamespace(namespace) } : {}),
    ...(cluster ? { cluster } : {}),
    ...(matchLabels ? { matchLabels } : {}),
  };
}
