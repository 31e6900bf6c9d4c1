import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import type { DiscoveryService } from '@backstage/backend-plugin-api';
import type {
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarApplyStaleBody,
  IstioSidecarChange,
} from '@istio-backstage/plugin-istio-common';

/** A refusal as the Backstage error handler sends it. */
class FakeError extends Error {
  constructor(
    readonly statusCode: number,
    readonly errorName: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

const KNOWN_KEYS = new Set([
  'entityRef',
  'cluster',
  'namespace',
  'dryRun',
  'extraHosts',
  'digest',
]);
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What the fake knows: who owns which entity, and each entity's recommended hosts. */
export interface FakeIstioBackendOptions {
  /** Entity ref → the user refs allowed to apply its Sidecars. */
  owners: Record<string, string[]>;
  /** Entity ref → its recommended egress hosts (before `extraHosts`). */
  recommendations: Record<string, string[]>;
}

/**
 * A stand-in for the Istio backend's `POST /api/istio/sidecars`, keeping its contract
 * (`@istio-backstage/plugin-istio-common` types): user credentials only, ownership,
 * strict body, and the digest flow — a dry run answers a digest of what it would
 * write; a real apply must send it back (400 without), and is refused with 409 and
 * the current dry run when what it would write changed. Sidecars are kept in memory.
 */
export async function startFakeIstioBackend(options: FakeIstioBackendOptions) {
  const auth = mockServices.auth({ pluginId: 'istio' });
  /** `namespace/name` → the egress hosts applied, and a version bumped on each write. */
  const sidecars = new Map<string, { hosts: string[]; version: number }>();
  const requests: IstioSidecarApplyRequest[] = [];
  const hooks: { afterDryRun?: () => void; conflictWith?: string } = {};
  let latencyMs = 0;

  const plan = (body: IstioSidecarApplyRequest) => {
    const name = body.entityRef.split('/').pop()!;
    const key = `${body.namespace}/${name}`;
    const hosts = [
      ...new Set([
        ...(options.recommendations[body.entityRef] ?? []),
        ...(body.extraHosts ?? []),
      ]),
    ];
    const before = sidecars.get(key);
    let action: IstioSidecarChange['action'] = 'configured';
    if (!before) action = 'created';
    else if (JSON.stringify(before.hosts) === JSON.stringify(hosts))
      action = 'unchanged';
    const digest = createHash('sha256')
      .update(
        JSON.stringify({
          body: { ...body, dryRun: true, digest: undefined },
          hosts,
          version: before?.version,
        }),
      )
      .digest('hex');
    const change: IstioSidecarChange = {
      name,
      namespace: body.namespace,
      action,
      ...(before ? { hostsBefore: before.hosts } : {}),
      hostsAfter: hosts,
    };
    const result = (dryRun: boolean): IstioSidecarApplyResult => ({
      cluster: body.cluster,
      namespace: body.namespace,
      dryRun,
      changes: [change],
      yaml: `kind: Sidecar\nmetadata:\n  name: ${name}\n  namespace: ${body.namespace}\n`,
      entityRef: body.entityRef,
      digest,
    });
    return { key, hosts, before, digest, result };
  };

  async function handle(req: http.IncomingMessage): Promise<unknown> {
    if (req.method !== 'POST' || req.url !== '/api/istio/sidecars')
      throw new FakeError(404, 'NotFoundError', 'Not found');
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    const { principal } = await auth.authenticate(token);
    const caller = principal as { type: string; userEntityRef?: string };
    if (caller.type !== 'user')
      throw new FakeError(
        403,
        'NotAllowedError',
        `This endpoint does not allow '${caller.type}' credentials`,
      );
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(
      Buffer.concat(chunks).toString(),
    ) as IstioSidecarApplyRequest;
    requests.push(body);
    const unknown = Object.keys(body).filter(k => !KNOWN_KEYS.has(k));
    if (unknown.length || !NAMESPACE.test(body.namespace))
      throw new FakeError(
        400,
        'InputError',
        unknown.length
          ? `unknown keys: ${unknown.join(', ')}`
          : 'namespace: not a namespace name',
      );
    const user = caller.userEntityRef ?? '';
    if (!(options.owners[body.entityRef] ?? []).includes(user))
      throw new FakeError(
        403,
        'NotAllowedError',
        `Not allowed to apply Sidecars for ${body.entityRef}`,
      );
    if (latencyMs) await new Promise(r => setTimeout(r, latencyMs));
    const planned = plan(body);
    if (body.dryRun !== false) {
      hooks.afterDryRun?.();
      return planned.result(true);
    }
    return applyFor(body, planned);
  }

  function applyFor(
    body: IstioSidecarApplyRequest,
    planned: ReturnType<typeof plan>,
  ): IstioSidecarApplyResult {
    if (!body.digest)
      throw new FakeError(
        400,
        'InputError',
        'digest: a real apply must send the digest of the dry run it applies',
      );
    if (body.digest !== planned.digest) {
      const stale: Omit<IstioSidecarApplyStaleBody, 'response'> = {
        error: {
          name: 'ConflictError',
          message: `What would be written for ${body.entityRef} changed since the dry run; nothing was written`,
        },
        current: planned.result(true),
      };
      throw new FakeError(409, 'ConflictError', stale.error.message, {
        current: stale.current,
      });
    }
    if (hooks.conflictWith)
      throw new FakeError(
        409,
        'ConflictError',
        `Sidecar ${planned.key} is managed by someone else: Apply failed with 1 conflict: conflict with "${hooks.conflictWith}": .spec.egress`,
      );
    sidecars.set(planned.key, {
      hosts: planned.hosts,
      version: (planned.before?.version ?? 0) + 1,
    });
    return planned.result(false);
  }

  const server = http.createServer((req, res) => {
    handle(req)
      .then(answer => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(answer));
      })
      .catch(error => {
        const e =
          error instanceof FakeError
            ? error
            : new FakeError(401, 'AuthenticationError', String(error.message));
        res.writeHead(e.statusCode, { 'Content-Type': 'application/json' });
        res.end(
          JSON.stringify({
            error: { name: e.errorName, message: e.message },
            request: { method: req.method, url: req.url },
            response: { statusCode: e.statusCode },
            ...e.extra,
          }),
        );
      });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const discovery: DiscoveryService = {
    getBaseUrl: async pluginId => `http://127.0.0.1:${port}/api/${pluginId}`,
    getExternalBaseUrl: async pluginId =>
      `http://127.0.0.1:${port}/api/${pluginId}`,
  };
  return {
    discovery,
    /** Every request body, in order. */
    requests,
    /** `namespace/name` → the hosts of each Sidecar written. */
    sidecars,
    /** Runs after each dry run has been planned (e.g. traffic changes right after it). */
    afterDryRun(fn: (() => void) | undefined) {
      hooks.afterDryRun = fn;
    },
    /** Makes real applies fail with a field-manager conflict naming `manager`. */
    conflictWith(manager: string | undefined) {
      hooks.conflictWith = manager;
    },
    /** Delays every answer (after authentication and checks). */
    setLatency(ms: number) {
      latencyMs = ms;
    },
    /** Changes an entity's recommended hosts. */
    recommend(entityRef: string, hosts: string[]) {
      options.recommendations[entityRef] = hosts;
    },
    stop: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A running {@link startFakeIstioBackend}. */
export type FakeIstioBackend = Awaited<
  ReturnType<typeof startFakeIstioBackend>
>;
