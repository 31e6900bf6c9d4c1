import yaml from 'yaml';
import type { PolicyRule } from '../api/rbac';
import { policyRuleProblems } from '../scenario/validateAuth';

/**
 * The rules of the Kubernetes `ClusterRole` and `Role` documents in a YAML text (one or
 * several documents), in order, for a scenario grant's `rules` or `namespaceRules`. Rules
 * on non-resource URLs are left out; any other kind, or a malformed rule, is an error.
 */
export function policyRulesFromYaml(text: string): PolicyRule[] {
  const rules: PolicyRule[] = [];
  for (const doc of yaml.parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
    const role = doc.toJS({ maxAliasCount: 0 }) as {
      apiVersion?: string;
      kind?: string;
      metadata?: { name?: string };
      rules?: unknown;
    } | null;
    if (role === null) continue;
    if (
      role.apiVersion !== 'rbac.authorization.k8s.io/v1' ||
      (role.kind !== 'ClusterRole' && role.kind !== 'Role')
    )
      throw new Error(
        `expected a rbac.authorization.k8s.io/v1 ClusterRole or Role, not ${role.apiVersion} ${role.kind}`,
      );
    if (role.rules !== undefined && !Array.isArray(role.rules))
      throw new Error(`${role.kind} rules: expected a list`);
    // Rules on non-resource URLs (paths such as /healthz) do not apply here.
    const resourceRules = (
      (role.rules ?? []) as Array<Record<string, unknown>>
    ).filter(
      r =>
        !(
          r &&
          typeof r === 'object' &&
          'nonResourceURLs' in r &&
          !('resources' in r)
        ),
    );
    const at = `${role.kind} ${role.metadata?.name ?? ''} rules`;
    const problems = policyRuleProblems(resourceRules, at);
    if (problems.length > 0) throw new Error(problems.join('; '));
    for (const rule of resourceRules as unknown as PolicyRule[])
      rules.push({
        apiGroups: rule.apiGroups,
        resources: rule.resources,
        verbs: rule.verbs,
        ...(rule.resourceNames ? { resourceNames: rule.resourceNames } : {}),
      });
  }
  return rules;
}
