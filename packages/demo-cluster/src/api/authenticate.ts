import type http from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ResourceType } from '../store/resources';
import type { Scenario, ScenarioGrant } from '../scenario/types';
import { authorize, type Caller } from './authorize';
import { AWS_TOKEN_PREFIX, createAwsIamVerifier } from './awsIamToken';
import { createOidcVerifier, looksLikeJwt } from './oidcToken';
import { IMPERSONATE_RULE, permissionsOf } from './permissions';
import { ApiError } from './status';

/** Who a bearer token says the caller is, before impersonation. */
interface Identity {
  user: string;
  grant: ScenarioGrant;
  impersonate?: boolean;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function unauthorized() {
  return new ApiError(401, 'Unauthorized', 'Unauthorized');
}

/**
 * Authenticates requests as kube-apiserver does with the scenario's credentials: static
 * bearer tokens, EKS-style AWS IAM tokens and OIDC ID tokens, then `Impersonate-User`
 * when the caller may impersonate. Any failure to authenticate is a bare 401.
 */
export function createAuthenticator(scenario: Scenario, types: ResourceType[]) {
  const verifyAws = createAwsIamVerifier(scenario.auth.aws ?? []);
  const oidc = scenario.auth.oidc;
  const verifyOidc = oidc ? createOidcVerifier(oidc) : undefined;

  function identify(token: string): Identity | undefined {
    const given = digest(token);
    const entry = scenario.auth.tokens.find(t =>
      timingSafeEqual(digest(t.token), given),
    );
    if (entry)
      return { user: entry.user, grant: entry, impersonate: entry.impersonate };
    if (token.startsWith(AWS_TOKEN_PREFIX)) {
      const identity = verifyAws(token);
      return identity ? { user: identity.user, grant: identity } : undefined;
    }
    if (verifyOidc && looksLikeJwt(token)) {
      const user = verifyOidc(token);
      if (user === undefined) return undefined;
      const users = oidc?.users ?? {};
      const grant = Object.prototype.hasOwnProperty.call(users, user)
        ? users[user]
        : {};
      return { user, grant };
    }
    return undefined;
  }

  function impersonated(user: string): Caller {
    const users = scenario.auth.users ?? {};
    const given = Object.prototype.hasOwnProperty.call(users, user)
      ? users[user]
      : 'read';
    const grant = typeof given === 'string' ? { role: given } : given;
    return { user, permissions: permissionsOf(grant, types) };
  }

  return function authenticate(req: http.IncomingMessage): Caller {
    const header = req.headers.authorization ?? '';
    const token = /^Bearer (.+)$/i.exec(header)?.[1];
    const identity = token ? identify(token) : undefined;
    if (!identity) throw unauthorized();
    const permissions = permissionsOf(identity.grant, types);
    if (identity.impersonate) permissions.rules.push(IMPERSONATE_RULE);
    const caller: Caller = { user: identity.user, permissions };
    const target = req.headers['impersonate-user'];
    if (typeof target !== 'string' || target === '') return caller;
    authorize(caller, {
      verb: 'impersonate',
      group: '',
      resource: 'users',
      name: target,
    });
    return impersonated(target);
  };
}
