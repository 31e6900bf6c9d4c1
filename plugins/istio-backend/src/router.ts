import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  CLUSTER_NAME_PATTERN,
  DNS1123_LABEL,
  istioNamespaceReadPermission,
  SIDECAR_EGRESS_HOST,
} from '@istio-backstage/plugin-istio-common';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { authorizeMeshRead, strictEntityRef } from './lib/accessChecks';
import { createAdmission, type AdmissionLimits } from './lib/admission';
import { sendItemList } from './lib/http/sendItemList';
import { userKubernetesAuth } from './lib/http/userKubernetesAuth';
import { clustersSummary } from './lib/toClusterSummary';
import type { EntityMeshService } from './services/EntityMeshService';
import type { MeshConfigService } from './services/MeshConfigService';
import {
  StaleApplyError,
  type SidecarApplyService,
} from './services/SidecarApplyService';
import type { SidecarMemoryService } from './services/SidecarMemoryService';

/** What the router needs; it holds no logic of its own beyond HTTP. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: ClusterAccess;
  meshConfig: MeshConfigService;
  sidecarMemory: SidecarMemoryService;
  sidecarApply: SidecarApplyService;
  entityMesh: EntityMeshService;
  /** Bounds on the routes that reach clusters (a burst is refused with 503, not queued forever). */
  admission: AdmissionLimits;
}

/** A configured cluster name: never a URL, never a path. */
const clusterName = z
  .string()
  .regex(CLUSTER_NAME_PATTERN, 'not a cluster name');

const meshConfigQuery = z.object({ cluster: clusterName.optional() }).strict();

/** `ns/dns` egress host the user may add to a recommendation. */
const egressHost = z
  .string()
  .regex(SIDECAR_EGRESS_HOST, 'not a namespace/host');

const sidecarApplyBody = z
  .object({
    entityRef: z.string().min(3).max(300),
    cluster: clusterName,
    namespace: z.string().regex(DNS1123_LABEL, 'not a namespace name'),
    dryRun: z.boolean().default(true),
    extraHosts: z.array(egressHost).max(20).optional(),
    digest: z
      .string()
      .regex(/^[0-9a-f]{64}$/, 'not the digest of a dry run')
      .optional(),
  })
  .strict()
  .refine(body => body.dryRun || body.digest !== undefined, {
    message:
      'a real apply must send the digest of the dry run the user approved',
    path: ['digest'],
  });

const entityMeshQuery = z
  .object({ entityRef: z.string().min(3).max(300) })
  .strict();

const sidecarMemoryQuery = z.union([
  z
    .object({
      entityRef: z.string().min(3).max(300),
      extraHost: z.union([egressHost, z.array(egressHost).max(20)]).optional(),
    })
    .strict(),
  z
    .object({
      cluster: clusterName,
      namespace: z.string().max(63),
      extraHost: z.union([egressHost, z.array(egressHost).max(20)]).optional(),
    })
    .strict(),
]);

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      result.error.issues
        .map(i => `${i.path.join('.') || 'query'}: ${i.message}`)
        .join('; '),
    );
  }
  return result.data;
}

/**
 * The plugin's HTTP routes: a health check, the mesh reads (`/clusters`, `/mesh-config`,
 * `/sidecar-memory`, and `/entity` for an entity's views in one answer) and the Sidecar
 * apply (`POST /sidecars`). User credentials only; permissions are checked before any
 * cluster call.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  const admit = createAdmission(options.admission);

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  addMeshReadRoutes(router, options, admit);
  addEntityMeshRoute(router, options, admit);
  addSidecarApplyRoute(router, options, admit);
  return router;
}

/** User credentials allowed to read the mesh; checked before any cluster I/O. */
async function meshReader(options: RouterOptions, req: express.Request) {
  const credentials = await options.httpAuth.credentials(req, {
    allow: ['user'],
  });
  await authorizeMeshRead(options.permissions, credentials);
  return credentials;
}

type Reader = Awaited<ReturnType<typeof meshReader>>;

/**
 * Checks the caller before the request takes an admission slot (a refused caller never
 * queues), leaving their credentials in `res.locals.reader`.
 */
function readersOnly(options: RouterOptions): express.RequestHandler {
  return async (req, res, next) => {
    res.locals.reader = await meshReader(options, req);
    next();
  };
}

/**
 * Reading a namespace directly bypasses the catalog (which entities the caller may
 * see), so it needs `istio.namespace.read` as well.
 */
async function authorizeNamespaceRead(
  permissions: PermissionsService,
  credentials: Reader,
  namespace: string,
) {
  const [decision] = await permissions.authorize(
    [{ permission: istioNamespaceReadPermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW)
    throw new NotAllowedError(
      `Not allowed to read namespace '${namespace}' directly: ask for its entities instead, or for the istio.namespace.read permission`,
    );
}

/** The read routes, for users allowed to read the mesh; those reaching clusters are admitted. */
function addMeshReadRoutes(
  router: express.Router,
  options: RouterOptions,
  admit: express.RequestHandler,
): void {
  const { clusters, meshConfig, sidecarMemory } = options;
  const readers = readersOnly(options);

  router.get('/clusters', async (req, res) => {
    await meshReader(options, req);
    res.json(clustersSummary(clusters));
  });

  router.get('/mesh-config', readers, admit, async (req, res) => {
    const credentials: Reader = res.locals.reader;
    const query = parse(meshConfigQuery, req.query);
    // Kept answers are large and served many times: each is serialised once.
    sendItemList(
      req,
      res,
      await meshConfig.getMeshConfig(query, {
        credentials,
        userAuth: userKubernetesAuth(req),
      }),
    );
  });

  router.get(
    '/sidecar-memory',
    readers,
    async (req, res, next) => {
      const query = parse(sidecarMemoryQuery, req.query);
      if ('namespace' in query)
        await authorizeNamespaceRead(
          options.permissions,
          res.locals.reader,
          query.namespace,
        );
      res.locals.query = query;
      next();
    },
    admit,
    async (req, res) => {
      res.json(
        await sidecarMemory.getSidecarMemory(
          sidecarMemoryRequest(res.locals.query),
          { credentials: res.locals.reader, userAuth: userKubernetesAuth(req) },
        ),
      );
    },
  );
}

/**
 * `GET /entity`: what an entity's Service Mesh tab and overview card show, in one
 * request. Checked like `/sidecar-memory` (the caller first, then the query) before it
 * is admitted.
 */
function addEntityMeshRoute(
  router: express.Router,
  options: RouterOptions,
  admit: express.RequestHandler,
): void {
  const { entityMesh } = options;
  router.get(
    '/entity',
    readersOnly(options),
    (req, res, next) => {
      const query = parse(entityMeshQuery, req.query);
      res.locals.entityRef = strictEntityRef(query.entityRef);
      next();
    },
    admit,
    async (req, res) => {
      res.json(
        await entityMesh.getEntityMesh(
          { entityRef: res.locals.entityRef },
          { credentials: res.locals.reader, userAuth: userKubernetesAuth(req) },
        ),
      );
    },
  );
}

/** What a `/sidecar-memory` query asks for: an entity, or one cluster namespace. */
function sidecarMemoryRequest(query: z.infer<typeof sidecarMemoryQuery>) {
  const extraHosts =
    query.extraHost === undefined
      ? undefined
      : ([] as string[]).concat(query.extraHost);
  return 'entityRef' in query
    ? { entityRef: query.entityRef, extraHosts }
    : { cluster: query.cluster, namespace: query.namespace, extraHosts };
}

/**
 * `POST /sidecars`: applies the entity's recommended Sidecar, for users allowed on that
 * entity (checked before the request is admitted). A stale approval is a 409 carrying
 * the new dry run.
 */
function addSidecarApplyRoute(
  router: express.Router,
  options: RouterOptions,
  admit: express.RequestHandler,
): void {
  const { httpAuth, sidecarApply } = options;
  router.post(
    '/sidecars',
    async (req, res, next) => {
      const credentials = await httpAuth.credentials(req, { allow: ['user'] });
      const body = parse(sidecarApplyBody, req.body);
      const entityRef = strictEntityRef(body.entityRef);
      await sidecarApply.authorize(entityRef, { credentials });
      res.locals.apply = { credentials, body: { ...body, entityRef } };
      next();
    },
    admit,
    async (req, res) => {
      const { credentials, body } = res.locals.apply;
      try {
        res.json(
          await sidecarApply.apply(body, {
            credentials,
            userAuth: userKubernetesAuth(req),
          }),
        );
      } catch (error) {
        if (!(error instanceof StaleApplyError)) throw error;
        res.status(409).json(error.toBody());
      }
    },
  );
}
