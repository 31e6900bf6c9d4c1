import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import yaml from 'yaml';
import type { MeshSimulation } from '../mesh/MeshSimulation';
import {
  matchesLabels,
  parseLabelSelector,
  SelectorError,
} from '../store/labelSelector';
import { StoreError, type ObjectStore } from '../store/ObjectStore';
import { groupVersion, type ResourceType } from '../store/resources';
import type { KubeObject, WatchEvent } from '../store/types';
import type { Json } from '../store/serverSideApply';
import type { Scenario } from '../scenario/types';
import { validateScenarioAuth } from '../scenario/validateAuth';
import { istioValidationProblems } from './istioValidation';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
} from './discovery';
import { createAuthenticator } from './authenticate';
import { authorize, type Caller } from './authorize';
import { faultFor, type Fault } from './faults';
import { openApiGroupVersion, openApiIndex } from './openapi';
import type { ResourceAttributes } from './rbac';
import { requestAttributes } from './requestAttributes';
import { createRequestCounter } from './requestMetrics';
import { envoyExposition, podMetricsList } from './metricsViews';
import { ApiError, statusBody } from './status';
import { toTable } from './table';

const MAX_BODY = 1024 * 1024;
const STATUS_REASONS: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  503: 'ServiceUnavailable',
};
const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export interface ApiServerOptions {
  store: ObjectStore;
  mesh: MeshSimulation;
  scenario: Scenario;
  types: ResourceType[];
  faults: Fault[];
  /** Token for the `/_sim/*` control routes (faults at run time). */
  controlToken: string;
  /** Serving certificate and key (PEM). */
  tls: { certPem: string; keyPem: string };
}

function send(
  res: http.ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(
          new ApiError(
            413,
            'RequestEntityTooLarge',
            'the request body is too large',
          ),
        );
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const APPLY_PATCH = 'application/apply-patch+yaml';
const MERGE_PATCH = 'application/merge-patch+json';

/**
 * The field manager of a create or patch that is not an apply: `fieldManager`, else,
 * as kube-apiserver does, the client's user agent up to its first `/`.
 */
function updateManager(url: URL, req: http.IncomingMessage): string {
  const given = url.searchParams.get('fieldManager');
  if (given) return given;
  const agent = (req.headers['user-agent'] ?? '').split('/')[0].slice(0, 128);
  return agent || 'unknown';
}

/** The body of a JSON merge patch: one JSON object. */
function parseMergePatch(text: string): Record<string, Json> {
  let patch: unknown;
  try {
    patch = JSON.parse(text);
  } catch (e) {
    throw new ApiError(
      400,
      'BadRequest',
      `error decoding the request body: ${(e as Error).message}`,
    );
  }
  if (!patch || typeof patch !== 'object' || Array.isArray(patch))
    throw new ApiError(
      400,
      'BadRequest',
      'error decoding the request body: a merge patch must be a JSON object',
    );
  return patch as Record<string, Json>;
}

/** Istio validation as istiod's validating webhook does it (the parts we exercise). */
function validateIstioObject(object: KubeObject, rootNamespace: string) {
  const problems = istioValidationProblems(object, rootNamespace);
  if (problems.length > 0) {
    throw new ApiError(
      400,
      'BadRequest',
      `admission webhook "validation.istio.io" denied the request: configuration is invalid: ${problems.join(
        ', ',
      )}`,
    );
  }
}

/** Parses `/api/v1/...` and `/apis/<g>/<v>/...` into the parts of a resource request. */
function parseResourcePath(path: string) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let version: string;
  let rest: string[];
  if (parts[0] === 'api') {
    version = parts[1];
    rest = parts.slice(2);
  } else {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  return {
    group,
    version,
    namespace,
    plural: rest[0],
    name: rest[1],
    subresource: rest[2],
    subpath: rest.slice(3),
  };
}

/** The simulated Kubernetes API server. */
export function createApiServer(options: ApiServerOptions) {
  const { store, mesh, scenario } = options;
  validateScenarioAuth(scenario.auth);
  const authenticate = createAuthenticator(scenario, options.types);
  const rootNamespace = scenario.istio.namespace ?? 'istio-system';
  const watchers = new Set<http.ServerResponse>();
  // Recent changes, so a watch from a resourceVersion gets what happened since (as the
  // API server's watch cache gives it); from before the oldest kept: 410 Expired.
  const HISTORY_LIMIT = 10_000;
  const history: Array<{
    event: WatchEvent;
    type: ResourceType;
    revision: number;
  }> = [];
  let historyFrom = Number(store.resourceVersion);
  store.subscribe((event, type) => {
    history.push({ event, type, revision: Number(store.resourceVersion) });
    if (history.length > HISTORY_LIMIT) historyFrom = history.shift()!.revision;
  });

  function findType(
    group: string,
    version: string,
    plural: string,
  ): ResourceType {
    const t = options.types.find(
      r =>
        r.group === group &&
        r.plural === plural &&
        r.versions.includes(version),
    );
    if (!t)
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    return t;
  }

  function listObjects(
    type: ResourceType,
    namespace: string | undefined,
    query: URLSearchParams,
  ) {
    let labelRequirements;
    try {
      labelRequirements = parseLabelSelector(
        query.get('labelSelector') ?? undefined,
      );
    } catch (e) {
      if (e instanceof SelectorError)
        throw new ApiError(
          400,
          'BadRequest',
          `unable to parse requirement: ${e.message}`,
        );
      throw e;
    }
    const fieldRequirements = (query.get('fieldSelector') ?? '')
      .split(',')
      .filter(Boolean)
      .map(f => {
        const m = /^([a-zA-Z.]+)(==|=|!=)(.*)$/.exec(f);
        if (
          !m ||
          ![
            'metadata.name',
            'metadata.namespace',
            'status.phase',
            'spec.nodeName',
          ].includes(m[1])
        ) {
          throw new ApiError(
            400,
            'BadRequest',
            `field label not supported: ${f.split(/[=!]/)[0]}`,
          );
        }
        return { path: m[1].split('.'), negate: m[2] === '!=', value: m[3] };
      });
    return store.listShared(type, namespace).filter(o => {
      if (!matchesLabels(labelRequirements, o.metadata.labels)) return false;
      return fieldRequirements.every(f => {
        let v: unknown = o;
        for (const k of f.path)
          v = (v as Record<string, unknown> | undefined)?.[k];
        return f.negate ? v !== f.value : v === f.value;
      });
    });
  }

  function asVersion(
    object: KubeObject,
    type: ResourceType,
    version: string,
  ): KubeObject {
    return { ...object, apiVersion: groupVersion(type.group, version) };
  }

  function startWatch(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    type: ResourceType,
    version: string,
    namespace: string | undefined,
    query: URLSearchParams,
  ) {
    const selector = parseLabelSelector(
      query.get('labelSelector') ?? undefined,
    );
    const fromVersion = Number(query.get('resourceVersion') ?? '0');
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
    });
    res.flushHeaders();
    const write = (eventType: string, object: KubeObject) => {
      res.write(
        `${JSON.stringify({
          type: eventType,
          object: asVersion(object, type, version),
        })}\n`,
      );
    };
    const wanted = (event: WatchEvent, t: ResourceType) =>
      t === type &&
      (!namespace || event.object.metadata.namespace === namespace) &&
      matchesLabels(selector, event.object.metadata.labels);
    if (!fromVersion) {
      for (const o of listObjects(type, namespace, query))
        write('ADDED', store.rendered(type, o));
    } else if (fromVersion < historyFrom) {
      res.end(
        `${JSON.stringify({
          type: 'ERROR',
          object: {
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'Expired',
            code: 410,
            message: `too old resource version: ${fromVersion} (${historyFrom})`,
          },
        })}\n`,
      );
      return;
    } else {
      for (const h of history)
        if (h.revision > fromVersion && wanted(h.event, h.type))
          write(h.event.type, h.event.object);
    }
    watchers.add(res);
    const unsubscribe = store.subscribe((event, t) => {
      if (wanted(event, t)) write(event.type, event.object);
    });
    const timeout =
      Math.min(Number(query.get('timeoutSeconds') ?? '1800'), 3600) * 1000;
    const timer = setTimeout(() => res.end(), timeout);
    const close = () => {
      clearTimeout(timer);
      unsubscribe();
      watchers.delete(res);
    };
    req.on('close', close);
    res.on('close', close);
  }

  async function handleResource(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    url: URL,
    caller: Caller,
    attributes: ResourceAttributes,
  ) {
    const parsed = parseResourcePath(url.pathname);
    const { group, version, plural, name, subresource, subpath } = parsed;
    let namespace = parsed.namespace;
    const method = req.method ?? 'GET';

    // `/api/v1/namespaces/<name>` is the Namespace object itself.
    if (!plural && namespace) {
      return handleResource(
        req,
        res,
        new URL(
          `/api/v1/namespaces/_/namespaces/${namespace}${url.search}`,
          url,
        ),
        caller,
        attributes,
      );
    }
    if (group === 'metrics.k8s.io') {
      if (plural !== 'pods' || version !== 'v1beta1')
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      const list = podMetricsList(mesh, namespace, name);
      if (name) {
        if (list.items.length === 0)
          throw new ApiError(
            404,
            'NotFound',
            `podmetrics.metrics.k8s.io "${name}" not found`,
          );
        return send(res, 200, list.items[0]);
      }
      const selector = parseLabelSelector(
        url.searchParams.get('labelSelector') ?? undefined,
      );
      list.items = list.items.filter(item => {
        const pod = store.get(
          findType('', 'v1', 'pods'),
          item.metadata.namespace,
          item.metadata.name,
        );
        return matchesLabels(selector, pod?.metadata.labels);
      });
      return send(res, 200, list);
    }

    const type = findType(group, version, plural);
    if (type.plural === 'namespaces') namespace = undefined;
    if (
      type.namespaced === false &&
      url.pathname.includes('/namespaces/') &&
      type.plural !== 'namespaces'
    ) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }

    if (
      subresource === 'proxy' ||
      (name && name.includes(':') && subresource === 'proxy')
    ) {
      return handlePodProxy(res, type, namespace, name, subpath);
    }
    if (
      type.plural === 'pods' &&
      subresource === undefined &&
      name?.includes(':')
    ) {
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    }

    if (method === 'GET') {
      if (!name) {
        if (
          url.searchParams.get('watch') === 'true' ||
          url.searchParams.get('watch') === '1'
        ) {
          return startWatch(
            req,
            res,
            type,
            version,
            namespace,
            url.searchParams,
          );
        }
        const all = listObjects(type, namespace, url.searchParams);
        const limit = Number(url.searchParams.get('limit') ?? '0');
        const offset = url.searchParams.get('continue')
          ? Number(
              Buffer.from(
                url.searchParams.get('continue')!,
                'base64url',
              ).toString(),
            )
          : 0;
        if (Number.isNaN(offset))
          throw new ApiError(400, 'BadRequest', 'invalid continue token');
        const page =
          limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
        const rendered = page.map(o => store.rendered(type, o));
        const next =
          limit > 0 && offset + limit < all.length
            ? Buffer.from(String(offset + limit)).toString('base64url')
            : undefined;
        const metadata = {
          resourceVersion: store.resourceVersion,
          ...(next
            ? {
                continue: next,
                remainingItemCount: all.length - offset - limit,
              }
            : {}),
        };
        if ((req.headers.accept ?? '').includes('as=Table')) {
          const table = toTable(
            type.kind,
            rendered,
            store.resourceVersion,
            Date.now(),
          );
          return send(
            res,
            200,
            { ...table, metadata },
            { 'Content-Type': 'application/json' },
          );
        }
        return send(res, 200, {
          kind: `${type.kind}List`,
          apiVersion: groupVersion(type.group, version),
          metadata,
          items: rendered.map(o => asVersion(o, type, version)),
        });
      }
      const object = store.get(type, namespace, name);
      if (!object)
        throw new ApiError(
          404,
          'NotFound',
          `${type.plural}${
            type.group ? `.${type.group}` : ''
          } "${name}" not found`,
          { name, group: type.group, kind: type.plural },
        );
      if ((req.headers.accept ?? '').includes('as=Table'))
        return send(
          res,
          200,
          toTable(type.kind, [object], store.resourceVersion, Date.now()),
        );
      return send(res, 200, asVersion(object, type, version));
    }

    const dryRun = url.searchParams.get('dryRun') === 'All';
    // Authorized already; the simulator writes only the kinds Backstage writes.
    if (!['POST', 'DELETE', 'PATCH'].includes(method) || !type.writable)
      throw new ApiError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );

    if (method === 'DELETE') {
      const deleted = store.delete(type, namespace, name, { dryRun });
      return send(res, 200, asVersion(deleted, type, version));
    }

    const text = await readBody(req);
    const contentType = (req.headers['content-type'] ?? '')
      .split(';')[0]
      .trim();
    if (method === 'PATCH' && contentType === MERGE_PATCH) {
      const patched = store.mergePatch(
        type,
        { namespace, name },
        parseMergePatch(text),
        {
          manager: updateManager(url, req),
          dryRun,
          check: object => validateIstioObject(object, rootNamespace),
        },
      );
      return send(res, 200, asVersion(patched, type, version));
    }
    let body: KubeObject;
    try {
      if (method === 'PATCH' && contentType !== APPLY_PATCH) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - accepted media types include: ${MERGE_PATCH}, ${APPLY_PATCH}`,
        );
      }
      const docs = yaml.parseAllDocuments(text);
      if (docs.length !== 1 || docs[0].errors.length > 0)
        throw new Error('expected a single YAML or JSON document');
      body = docs[0].toJS({ maxAliasCount: 0 }) as KubeObject;
    } catch (e) {
      if (e instanceof ApiError) throw e;
      throw new ApiError(
        400,
        'BadRequest',
        `error decoding the request body: ${(e as Error).message}`,
      );
    }
    if (
      !body ||
      typeof body !== 'object' ||
      !body.metadata ||
      typeof body.metadata.name !== 'string'
    ) {
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} is invalid: metadata.name: Required value: name is required`,
      );
    }
    if (method === 'POST') {
      // kube-apiserver takes a create's missing kind and apiVersion from its URL.
      body.kind ??= type.kind;
      body.apiVersion ??= groupVersion(type.group, version);
    }
    if (
      body.kind !== type.kind ||
      body.apiVersion !== groupVersion(type.group, version)
    ) {
      throw new ApiError(
        400,
        'BadRequest',
        `the object's kind/apiVersion (${body.kind}/${
          body.apiVersion
        }) does not match the request (${type.kind}/${groupVersion(
          type.group,
          version,
        )})`,
      );
    }
    if (method === 'PATCH' && body.metadata.name !== name) {
      throw new ApiError(
        400,
        'BadRequest',
        'the name of the object does not match the name on the URL',
      );
    }
    if (type.namespaced) {
      if (body.metadata.namespace && body.metadata.namespace !== namespace) {
        throw new ApiError(
          400,
          'BadRequest',
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      body.metadata.namespace = namespace;
      if (!store.get(findType('', 'v1', 'namespaces'), undefined, namespace!)) {
        throw new ApiError(
          404,
          'NotFound',
          `namespaces "${namespace}" not found`,
        );
      }
    }
    if (
      !DNS_1123_LABEL.test(body.metadata.name) ||
      body.metadata.name.length > 63
    ) {
      throw new ApiError(
        422,
        'Invalid',
        `${type.kind} "${body.metadata.name}" is invalid: metadata.name: Invalid value: "${body.metadata.name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character`,
      );
    }
    validateIstioObject(body, rootNamespace);
    const manager =
      method === 'POST'
        ? updateManager(url, req)
        : url.searchParams.get('fieldManager') ?? '';
    if (method === 'PATCH') {
      if (!manager)
        throw new ApiError(
          400,
          'BadRequest',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      const force = url.searchParams.get('force') === 'true';
      // An apply that creates the object needs `create` as well, as in kube-apiserver.
      if (!store.get(type, namespace, name))
        authorize(caller, { ...attributes, verb: 'create' });
      const { object, created } = store.apply(type, body, {
        manager,
        force,
        dryRun,
      });
      return send(res, created ? 201 : 200, asVersion(object, type, version));
    }
    const created = store.create(type, body, { manager, dryRun });
    return send(res, 201, asVersion(created, type, version));
  }

  function handlePodProxy(
    res: http.ServerResponse,
    type: ResourceType,
    namespace: string | undefined,
    target: string,
    subpath: string[],
  ) {
    if (type.plural !== 'pods')
      throw new ApiError(
        404,
        'NotFound',
        'the server could not find the requested resource',
      );
    const [podName, port] = target.split(':');
    const pod = store.get(type, namespace, podName);
    if (!pod)
      throw new ApiError(404, 'NotFound', `pods "${podName}" not found`);
    const path = `/${subpath.join('/')}`;
    const stats = mesh.envoyStats(namespace!, podName);
    if (port === '15020' && path === '/stats/prometheus' && stats) {
      const text = envoyExposition(mesh, stats);
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(text);
      return undefined;
    }
    throw new ApiError(
      503,
      'ServiceUnavailable',
      `error trying to reach service: dial tcp ${
        (pod.status as { podIP?: string }).podIP
      }:${port ?? 80}: connect: connection refused`,
    );
  }

  let requests = 0;
  let stopping = false;
  /** The latest request paths, for tests that check which reads were made. */
  const recentPaths: string[] = [];
  /** Requests by verb and resource, for benchmarks reading from outside the process. */
  const requestCounter = createRequestCounter(options.types);

  async function handle(req: http.IncomingMessage, res: http.ServerResponse) {
    requests++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    recentPaths.push(path);
    if (recentPaths.length > 1000) recentPaths.shift();
    requestCounter.count(req.method, url);
    if (stopping) {
      // A connection opened before the stop would otherwise stay for its keep-alive.
      res.shouldKeepAlive = false;
      throw new ApiError(
        503,
        'ServiceUnavailable',
        'the API server is stopping',
      );
    }

    if (path.startsWith('/_sim/')) {
      if (req.headers.authorization !== `Bearer ${options.controlToken}`)
        throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      if (path === '/_sim/faults' && req.method === 'PUT') {
        const faults = JSON.parse(await readBody(req)) as Fault[];
        options.faults.splice(0, options.faults.length, ...faults);
        return send(res, 200, { faults: options.faults });
      }
      if (path === '/_sim/faults' && req.method === 'GET')
        return send(res, 200, { faults: options.faults });
      throw new ApiError(404, 'NotFound', 'no such control route');
    }

    const watch = ['true', '1'].includes(url.searchParams.get('watch') ?? '');
    const fault = faultFor(options.faults, path, req.method, watch);
    if (fault) {
      if (fault.latencyMs)
        await new Promise(r => setTimeout(r, fault.latencyMs));
      if (fault.hang) return undefined;
      if (fault.dropConnection) {
        req.socket.destroy();
        return undefined;
      }
      if (fault.tooManyRequests !== undefined) {
        throw new ApiError(
          429,
          'TooManyRequests',
          'Too many requests, please try again later.',
          { retryAfterSeconds: fault.tooManyRequests },
          { 'Retry-After': String(fault.tooManyRequests) },
        );
      }
      if (fault.status)
        throw new ApiError(
          fault.status,
          STATUS_REASONS[fault.status] ?? 'InternalError',
          fault.message ?? `injected fault ${fault.status}`,
        );
      if (fault.errorRate && Math.random() < fault.errorRate)
        throw new ApiError(
          503,
          'ServiceUnavailable',
          'injected fault: the server is currently unable to handle the request',
        );
    }

    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return undefined;
    }
    const caller = authenticate(req);
    if (path === '/version') {
      const [major, minor] = scenario.kubernetesVersion
        .replace(/^v/, '')
        .split('.');
      return send(res, 200, {
        major,
        minor,
        gitVersion: scenario.kubernetesVersion,
        platform: 'linux/amd64',
        goVersion: 'go1.24.4',
        compiler: 'gc',
      });
    }
    if (path === '/openapi/v3')
      return send(res, 200, openApiIndex(options.types));
    if (path.startsWith('/openapi/v3/')) {
      const doc = openApiGroupVersion(
        options.types,
        path.slice('/openapi/v3/'.length),
        scenario.kubernetesVersion,
      );
      if (!doc)
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      return send(res, 200, doc);
    }
    if (path === '/api') return send(res, 200, apiVersions);
    if (path === '/apis') return send(res, 200, apiGroupList(options.types));
    if (path === '/api/v1')
      return send(res, 200, apiResourceList(options.types, '', 'v1'));
    const groupMatch = /^\/apis\/([^/]+)\/?$/.exec(path);
    if (groupMatch) {
      const group = apiGroup(options.types, groupMatch[1]);
      if (!group)
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      return send(res, 200, group);
    }
    const versionMatch = /^\/apis\/([^/]+)\/([^/]+)\/?$/.exec(path);
    if (versionMatch) {
      const list = apiResourceList(
        options.types,
        versionMatch[1],
        versionMatch[2],
      );
      if (list.resources.length === 0)
        throw new ApiError(
          404,
          'NotFound',
          'the server could not find the requested resource',
        );
      return send(res, 200, list);
    }
    if (path.startsWith('/api/') || path.startsWith('/apis/')) {
      const attributes = requestAttributes(req.method, url);
      authorize(caller, attributes);
      return handleResource(req, res, url, caller, attributes);
    }
    throw new ApiError(
      404,
      'NotFound',
      'the server could not find the requested resource',
    );
  }

  const server = https.createServer(
    { cert: options.tls.certPem, key: options.tls.keyPem },
    (req, res) => {
      handle(req, res).catch(error => {
        if (res.headersSent) {
          res.end();
          return;
        }
        if (error instanceof ApiError) {
          send(
            res,
            error.code,
            statusBody(error.code, error.reason, error.message, error.details),
            error.headers,
          );
        } else if (error instanceof StoreError) {
          const details = error.conflicts
            ? {
                causes: error.conflicts.map(c => ({
                  type: 'FieldManagerConflict',
                  message: `conflict with "${c.manager}"`,
                  field: c.field,
                })),
              }
            : undefined;
          send(
            res,
            error.code,
            statusBody(
              error.code,
              error.reason,
              error.message,
              details ?? error.details,
            ),
          );
        } else {
          send(
            res,
            500,
            statusBody(
              500,
              'InternalError',
              `internal error: ${(error as Error).message}`,
            ),
          );
        }
      });
    },
  );

  // Idle connections are kept 90 s, as kube-apiserver keeps them (its IdleTimeout), not
  // Node's default 5 s: clients that keep connections alive keep them between requests.
  server.keepAliveTimeout = 90_000;

  return {
    server,
    closeWatchers() {
      for (const w of watchers) w.end();
    },
    /** Refuses every request from now on (and keeps no connection), ending the watches. */
    beginStop() {
      stopping = true;
      for (const w of watchers) w.end();
    },
    /** Watches open now (tests check that a replaced watcher stopped). */
    openWatchCount: () => watchers.size,
    /** Requests received so far (tests check that a refused call made none). */
    requestCount: () => requests,
    /** Paths of the latest requests (at most 1,000), oldest first. */
    recentPaths: () => [...recentPaths],
    /** Prometheus text of the request counter and the open watches (served on the metrics port). */
    requestMetrics: () => requestCounter.exposition(watchers.size),
  };
}

/** Starts an HTTP server on loopback and resolves with its port. */
export function listenOnLoopback(
  server: http.Server | https.Server,
  port: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve((server.address() as AddressInfo).port),
    );
  });
}
