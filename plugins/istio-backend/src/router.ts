import type {
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  istioMeshReadPermission,
  type IstioClustersResponse,
} from '@istio-backstage/plugin-istio-common';
import type { IstioClusterConfig } from '@istio-backstage/plugin-istio-node';
import express from 'express';
import Router from 'express-promise-router';
import { toClusterSummary } from './lib/toClusterSummary';

/** What the router needs; it holds no logic of its own beyond HTTP. */
export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  clusters: IstioClusterConfig[];
}

export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, clusters } = options;
  const router = Router();
  router.use(express.json({ limit: '64kb' }));

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/clusters', async (req, res) => {
    const credentials = await httpAuth.credentials(req, { allow: ['user'] });
    const [decision] = await permissions.authorize(
      [{ permission: istioMeshReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('Not allowed to read the service mesh');
    }
    const body: IstioClustersResponse = {
      items: clusters.map(toClusterSummary),
    };
    res.json(body);
  });

  return router;
}
