import type { KubernetesObject } from '@kubernetes/client-node';

/**
 * The object without `metadata.managedFields`: server-side apply bookkeeping that no
 * analysis reads, and often the largest part of a listed object.
 */
export function withoutManagedFields<T extends KubernetesObject>(object: T): T {
  if (!object.metadata?.managedFields) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
