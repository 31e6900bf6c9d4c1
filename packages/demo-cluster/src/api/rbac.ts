/**
 * One RBAC rule, as in a Role or ClusterRole: the verbs allowed on the resources of the
 * API groups. `*` matches anything in each list; `''` is the core group; a subresource
 * is written `pods/log`, and a `*` before its slash matches that subresource of any
 * resource. `resourceNames` restricts the rule to requests that name one of these
 * objects, so it never allows `create`, nor a `list` or `watch` that does not select a
 * single object by `metadata.name`.
 */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

/** What a caller may do: cluster-wide rules and rules that hold in one namespace. */
export interface Permissions {
  /** As a ClusterRole bound with a ClusterRoleBinding. */
  rules: PolicyRule[];
  /** As a Role bound with a RoleBinding in the namespace (the key). */
  namespaceRules: Record<string, PolicyRule[]>;
}

/** The attributes of a resource request that RBAC decides on. */
export interface ResourceAttributes {
  verb: string;
  /** API group, `''` for the core group. */
  group: string;
  /** Plural resource name, e.g. `pods`. */
  resource: string;
  subresource?: string;
  name?: string;
  /** Absent for cluster-scoped resources and for lists across all namespaces. */
  namespace?: string;
}

function matchesAny(values: string[], wanted: string): boolean {
  return values.some(v => v === '*' || v === wanted);
}

function resourceMatches(
  rule: PolicyRule,
  resource: string,
  subresource?: string,
): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  return rule.resources.some(
    r =>
      r === '*' ||
      r === combined ||
      (subresource !== undefined && r === `*/${subresource}`),
  );
}

function nameMatches(rule: PolicyRule, name?: string): boolean {
  if (!rule.resourceNames || rule.resourceNames.length === 0) return true;
  return name !== undefined && rule.resourceNames.includes(name);
}

/** Whether one rule allows the request, as Kubernetes' RBAC authorizer matches a rule. */
export function ruleAllows(
  rule: PolicyRule,
  attributes: ResourceAttributes,
): boolean {
  return (
    matchesAny(rule.verbs, attributes.verb) &&
    matchesAny(rule.apiGroups, attributes.group) &&
    resourceMatches(rule, attributes.resource, attributes.subresource) &&
    nameMatches(rule, attributes.name)
  );
}

/**
 * Whether the permissions allow the request: a cluster-wide rule allows it anywhere, a
 * namespace's rule only a request in that namespace (never a cluster-scoped one nor a
 * list across all namespaces).
 */
export function isAllowed(
  permissions: Permissions,
  attributes: ResourceAttributes,
): boolean {
  if (permissions.rules.some(r => ruleAllows(r, attributes))) return true;
  const { namespace } = attributes;
  if (!namespace) return false;
  const local = Object.prototype.hasOwnProperty.call(
    permissions.namespaceRules,
    namespace,
  )
    ? permissions.namespaceRules[namespace]
    : [];
  return local.some(r => ruleAllows(r, attributes));
}
