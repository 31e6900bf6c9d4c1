import type { ResourceType } from '../store/resources';
import type { ScenarioGrant } from '../scenario/types';
import type { Permissions, PolicyRule } from './rbac';

/** The rule of the `read` shorthand: get, list and watch everything. */
export const READ_RULES: PolicyRule[] = [
  { apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] },
];

/** The rule that lets a caller send `Impersonate-User` for any user. */
export const IMPERSONATE_RULE: PolicyRule = {
  apiGroups: [''],
  resources: ['users'],
  verbs: ['impersonate'],
};

/**
 * The rules of the `write` shorthand: those of `read`, and create, update, patch and
 * delete on the kinds the simulator lets Backstage write.
 */
export function writeRules(types: ResourceType[]): PolicyRule[] {
  const byGroup = new Map<string, string[]>();
  for (const type of types.filter(t => t.writable)) {
    const plurals = byGroup.get(type.group) ?? [];
    if (!plurals.includes(type.plural)) plurals.push(type.plural);
    byGroup.set(type.group, plurals);
  }
  return [
    ...READ_RULES,
    ...[...byGroup].map(([group, resources]) => ({
      apiGroups: [group],
      resources,
      verbs: ['create', 'update', 'patch', 'delete'],
    })),
  ];
}

/**
 * The permissions a scenario grant stands for: its `role` shorthand expanded to rules,
 * plus its own cluster-wide and per-namespace rules.
 */
export function permissionsOf(
  grant: ScenarioGrant,
  types: ResourceType[],
): Permissions {
  const shorthand: Record<string, PolicyRule[]> = {
    read: READ_RULES,
    write: writeRules(types),
  };
  return {
    rules: [
      ...(grant.role ? shorthand[grant.role] ?? [] : []),
      ...(grant.rules ?? []),
    ],
    namespaceRules: { ...(grant.namespaceRules ?? {}) },
  };
}
