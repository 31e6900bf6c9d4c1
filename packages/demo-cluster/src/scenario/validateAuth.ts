import { createPublicKey } from 'node:crypto';
import { algorithmOf } from '../api/oidcToken';

type Problems = string[];

const isObject = (v: unknown): v is Record<string, unknown> =>
  !!v && typeof v === 'object' && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v !== '';

function checkStrings(
  value: unknown,
  at: string,
  problems: Problems,
  nonEmpty = true,
) {
  if (
    !Array.isArray(value) ||
    (nonEmpty && value.length === 0) ||
    !value.every(v => typeof v === 'string')
  )
    problems.push(
      `${at}: expected a${nonEmpty ? ' non-empty' : ''} list of strings`,
    );
}

/** What is wrong with a list of RBAC rules (`at` names it in the messages); empty if nothing. */
export function policyRuleProblems(value: unknown, at: string): string[] {
  const problems: Problems = [];
  if (!Array.isArray(value)) return [`${at}: expected a list of rules`];
  value.forEach((rule, i) => {
    if (!isObject(rule)) {
      problems.push(`${at}[${i}]: expected a rule`);
      return;
    }
    for (const key of ['apiGroups', 'resources', 'verbs'])
      checkStrings(rule[key], `${at}[${i}].${key}`, problems);
    if (rule.resourceNames !== undefined)
      checkStrings(
        rule.resourceNames,
        `${at}[${i}].resourceNames`,
        problems,
        false,
      );
  });
  return problems;
}

function checkRules(value: unknown, at: string, problems: Problems) {
  if (value !== undefined) problems.push(...policyRuleProblems(value, at));
}

function checkGrant(value: unknown, at: string, problems: Problems) {
  if (!isObject(value)) {
    problems.push(`${at}: expected an object`);
    return;
  }
  if (
    value.role !== undefined &&
    value.role !== 'read' &&
    value.role !== 'write'
  )
    problems.push(`${at}.role: expected 'read' or 'write'`);
  checkRules(value.rules, `${at}.rules`, problems);
  if (value.namespaceRules === undefined) return;
  if (!isObject(value.namespaceRules)) {
    problems.push(`${at}.namespaceRules: expected rules by namespace`);
    return;
  }
  for (const [ns, rules] of Object.entries(value.namespaceRules))
    checkRules(rules, `${at}.namespaceRules.${ns}`, problems);
}

function checkFields(
  value: Record<string, unknown>,
  fields: string[],
  at: string,
  problems: Problems,
) {
  for (const field of fields)
    if (!isText(value[field]))
      problems.push(`${at}.${field}: expected a non-empty string`);
}

function checkList(
  value: unknown,
  at: string,
  problems: Problems,
  check: (item: Record<string, unknown>, at: string) => void,
) {
  if (!Array.isArray(value)) {
    problems.push(`${at}: expected a list`);
    return;
  }
  value.forEach((item, i) => {
    checkGrant(item, `${at}[${i}]`, problems);
    if (isObject(item)) check(item, `${at}[${i}]`);
  });
}

function checkOidc(value: unknown, problems: Problems) {
  if (!isObject(value)) {
    problems.push('auth.oidc: expected an object');
    return;
  }
  checkFields(
    value,
    ['issuer', 'audience', 'publicKeyPem'],
    'auth.oidc',
    problems,
  );
  if (isText(value.issuer) && !/^https:\/\/[^\s]+$/.test(value.issuer))
    problems.push('auth.oidc.issuer: expected an https URL');
  for (const field of ['usernameClaim', 'usernamePrefix'])
    if (value[field] !== undefined && typeof value[field] !== 'string')
      problems.push(`auth.oidc.${field}: expected a string`);
  if (isText(value.publicKeyPem)) {
    let ok = false;
    try {
      ok = !!algorithmOf(createPublicKey(value.publicKeyPem));
    } catch {
      ok = false;
    }
    if (!ok)
      problems.push(
        'auth.oidc.publicKeyPem: expected the PEM of an RSA or a P-256 EC public key',
      );
  }
  if (value.users === undefined) return;
  if (!isObject(value.users))
    problems.push('auth.oidc.users: expected grants by user');
  else
    for (const [user, grant] of Object.entries(value.users))
      checkGrant(grant, `auth.oidc.users.${user}`, problems);
}

/**
 * Checks a scenario's `auth` section (tokens, impersonated users, AWS identities, the
 * OIDC issuer, and their RBAC rules) and throws an error that lists every problem.
 */
export function validateScenarioAuth(auth: unknown): void {
  const problems: Problems = [];
  if (!isObject(auth)) throw new Error('scenario auth: expected an object');
  checkList(auth.tokens, 'auth.tokens', problems, (token, at) => {
    checkFields(token, ['token', 'user'], at, problems);
    if (
      token.impersonate !== undefined &&
      typeof token.impersonate !== 'boolean'
    )
      problems.push(`${at}.impersonate: expected true or false`);
  });
  if (auth.users !== undefined) {
    if (!isObject(auth.users))
      problems.push('auth.users: expected grants by user');
    else
      for (const [user, grant] of Object.entries(auth.users))
        if (grant !== 'read' && grant !== 'write')
          checkGrant(grant, `auth.users.${user}`, problems);
  }
  if (auth.aws !== undefined)
    checkList(auth.aws, 'auth.aws', problems, (identity, at) =>
      checkFields(
        identity,
        ['accessKeyId', 'secretAccessKey', 'clusterId', 'user'],
        at,
        problems,
      ),
    );
  if (auth.oidc !== undefined) checkOidc(auth.oidc, problems);
  if (problems.length > 0)
    throw new Error(`invalid scenario auth:\n  ${problems.join('\n  ')}`);
}
