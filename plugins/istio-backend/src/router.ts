import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  istioMeshReadPermission,
  istioSidecarApplyPermission,
  type IstioClustersResponse,
} from '@istio-backstage/plugin-istio-common';
import type { IstioClusterConfig } from '@istio-backstage/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import { createAdmission, type AdmissionLimits } from './lib/admission';
import { sendItemList } from './lib/http/sendItemList';
import { toClusterSummary } from './lib/toClusterSummary';
import type { MeshConfigService } from './services/MeshConfigService';
import type { SidecarApplyService } from './services/SidecarApplyService';
import type { SidecarMemoryService } from './services/SidecarMemoryService';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** What the router needs; it holds no logic of its own beyond HTTP. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: IstioClusterConfig[];
  meshConfig: MeshConfigService;
  sidecarMemory: SidecarMemoryService;
  sidecarApply: SidecarApplyService;
  /** Bounds on the routes that reach clusters (a burst is refused with 503, not queued forever). */
  admission: AdmissionLimits;
}

/** A configured cluster name: never a URL, never a path. */
const clusterName = z
  .string()
  .regex(
    /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
    'not a cluster name',
  );

const meshConfigQuery = z.object({ cluster: clusterName.optional() }).strict();

/** `ns/dns` egress host the user may add to a recommendation. */
const egressHost = z
  .string()
  .max(253)
  .regex(
    /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|\*|\.|~)\/(\*|(\*\.)?[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/,
    'not a namespace/host',
  );

const sidecarApplyBody = z
  .object({
    entityRef: z.string().min(3).max(300),
    cluster: clusterName,
    namespace: z
      .string()
      .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'not a namespace name'),
    dryRun: z.boolean().default(true),
    extraHosts: z.array(egressHost).max(20).optional(),
  })
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

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const {
    httpAuth,
    permissions,
    clusters,
    meshConfig,
    sidecarMemory,
    sidecarApply,
  } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));
  const admit = createAdmission(options.admission);

  /** User credentials allowed to read the mesh; checked before any cluster I/O. */
  async function meshReader(req: express.Request) {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: istioMeshReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Not allowed to read the service mesh');
    }
    return credentials;
  }

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/clusters', async (req, res) => {
    await meshReader(req);
    const body: IstioClustersResponse = {
      items: clusters.map(toClusterSummary),
    };
    res.json(body);
  });

  router.get('/mesh-config', admit, async (req, res) => {
    const credentials = await meshReader(req);
    const query = parse(meshConfigQuery, req.query);
    // Kept answers are large and served many times: each is serialised once.
    sendItemList(
      req,
      res,
      await meshConfig.getMeshConfig(query, { credentials }),
    );
  });

  router.get('/sidecar-memory', admit, async (req, res) => {
    const credentials = await meshReader(req);
    const query = parse(sidecarMemoryQuery, req.query);
    const extraHosts =
      query.extraHost === undefined
        ? undefined
        : ([] as string[]).concat(query.extraHost);
    const request =
      'entityRef' in query
        ? { entityRef: query.entityRef, extraHosts }
        : { cluster: query.cluster, namespace: query.namespace, extraHosts };
    res.json(await sidecarMemory.getSidecarMemory(request, { credentials }));
  });

  router.post('/sidecars', admit, async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const body = parse(sidecarApplyBody, req.body);
    let entityRef: string;
    try {
      entityRef = stringifyEntityRef(parseEntityRef(body.entityRef));
    } catch (error) {
      throw new InputError(`Malformed entityRef: ${(error as Error).message}`);
    }
    // Ownership (through the policy's catalog condition) is checked before any cluster call.
    const [decision] = await permissions.authorize(
      [{ permission: istioSidecarApplyPermission, resourceRef: entityRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Not allowed to apply Sidecars for ${entityRef}`,
      );
    }
    res.json(
      await sidecarApply.apply(
        { ...body, entityRef, dryRun: body.dryRun ?? true },
        { credentials },
      ),
    );
  });

  return router;
}
