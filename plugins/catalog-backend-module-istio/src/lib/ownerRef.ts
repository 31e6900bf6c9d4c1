import {
  KubernetesValidatorFunctions,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';

/**
 * The full entity ref (`kind:namespace/name`) of an owner written as an entity ref
 * (`group:default/team`, `default/team` or `team`, kind `group` by default), or
 * undefined when it is not one. Namespace annotations can be set by anyone who may
 * edit the namespace, so every part is checked against the catalog's own rules.
 */
export function normalizeOwnerRef(value: string): string | undefined {
  let ref: { kind: string; namespace: string; name: string };
  try {
    ref = parseEntityRef(value.trim(), { defaultKind: 'group' });
  } catch {
    return undefined;
  }
  if (
    !KubernetesValidatorFunctions.isValidKind(ref.kind) ||
    !KubernetesValidatorFunctions.isValidNamespace(ref.namespace) ||
    !KubernetesValidatorFunctions.isValidObjectName(ref.name)
  )
    return undefined;
  return stringifyEntityRef(ref);
}
