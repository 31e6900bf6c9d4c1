import type { KubernetesRequestAuth } from '@backstage/plugin-kubernetes-common';
import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import type {
  IstioSidecarApplyRequest,
  IstioSidecarApplyResult,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import type {
  ClusterAccess,
  ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import { meanSidecarMemory } from '../../lib/sidecar';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { SidecarMemoryService } from '../SidecarMemoryService';
import type { SidecarApplyService } from './types';
import {
  appliedYaml,
  changesOf,
  readExisting,
  serverSideApply,
  sidecarObjectsOf,
  toApplyError,
  type SidecarObject,
} from './sidecarWrites';

type Item = IstioSidecarMemoryResponse['items'][number];

/**
 * Applies the recommended Sidecar for an entity: built server-side from the current
 * recommendation (never client YAML), only Sidecars in the target namespace, server-side
 * apply with `dryRun=All` first and then for real with our field manager and
 * `force=false`; every write audited; memory before recorded for the measured saving.
 */
export function createSidecarApplyService(options: {
  clusters: ClusterAccess;
  sidecarMemory: SidecarMemoryService;
  applied: AppliedSidecarStore;
  auditor: AuditorService;
  logger: LoggerService;
  impersonate: boolean;
  /** Told of each cluster whose Sidecars an apply may have changed, before it is recorded. */
  onSidecarsChanged?: (cluster: string) => void;
}): SidecarApplyService {
  const { clusters, sidecarMemory, applied, auditor, impersonate } = options;

  return {
    async apply(request, { credentials, userAuth }) {
      const user = credentials.principal.userEntityRef;
      const client = clusters.get(request.cluster, userAuth);
      const { entityRef, item, recommendationYaml } = await recommendedHere(
        sidecarMemory,
        request,
        { credentials, userAuth },
        client.cluster.name,
      );
      const objects = sidecarObjectsOf(recommendationYaml, request.namespace);
      const event = await auditor.createEvent({
        eventId: 'sidecar-apply',
        severityLevel: request.dryRun ? 'low' : 'medium',
        meta: {
          user,
          cluster: client.cluster.name,
          namespace: request.namespace,
          objects: objects.map(o => o.metadata?.name ?? ''),
          dryRun: request.dryRun,
        },
      });
      try {
        const result = await applyObjects(client, objects, request, {
          impersonateUser: impersonate ? user : undefined,
          onSidecarsChanged: options.onSidecarsChanged,
        });
        // Only a real change starts a new before/after measurement.
        if (
          !request.dryRun &&
          result.changes.some(c => c.action !== 'unchanged')
        ) {
          await recordMemoryBefore(applied, item, objects, {
            entityRef,
            appliedBy: user,
          });
        }
        await event.success({
          meta: { changes: result.changes.map(c => `${c.name}:${c.action}`) },
        });
        return result;
      } catch (error) {
        const mapped = toApplyError(error);
        await event.fail({ error: mapped });
        throw mapped;
      }
    },
  };
}

/**
 * The entity's current recommendation for the requested namespace, read fresh on the
 * user's behalf (never client YAML): not found without workloads there, a conflict when
 * nothing is recommended.
 */
async function recommendedHere(
  sidecarMemory: SidecarMemoryService,
  request: IstioSidecarApplyRequest,
  caller: {
    credentials: BackstageCredentials<BackstageUserPrincipal>;
    userAuth?: KubernetesRequestAuth;
  },
  cluster: string,
): Promise<{
  entityRef: string | undefined;
  item: Item;
  recommendationYaml: string;
}> {
  const memory = await sidecarMemory.getSidecarMemory(
    { entityRef: request.entityRef, extraHosts: request.extraHosts },
    { ...caller, fresh: true },
  );
  const item = memory.items.find(
    i => i.cluster === cluster && i.namespace === request.namespace,
  );
  if (!item)
    throw new NotFoundError(
      `${request.entityRef} has no workloads in ${request.cluster}/${request.namespace}`,
    );
  if (!item.recommendation) {
    throw new ConflictError(
      `No Sidecar is recommended here: ${
        item.warnings.map(w => w.message).join(' ') || 'no data'
      }`,
    );
  }
  return {
    entityRef: memory.entityRef,
    item,
    recommendationYaml: item.recommendation.yaml,
  };
}

/**
 * Applies the objects: always a dry run first, so admission webhooks and conflicts
 * surface before any change, then (unless asked for a dry run only) for real.
 */
async function applyObjects(
  client: ClusterClient,
  objects: readonly SidecarObject[],
  request: IstioSidecarApplyRequest,
  options: {
    impersonateUser?: string;
    onSidecarsChanged?: (cluster: string) => void;
  },
): Promise<IstioSidecarApplyResult> {
  const { impersonateUser } = options;
  const existing = await readExisting(client, objects, request.namespace);
  let results = await serverSideApply(client, objects, {
    dryRun: true,
    impersonateUser,
  });
  if (!request.dryRun) {
    try {
      results = await serverSideApply(client, objects, {
        dryRun: false,
        impersonateUser,
      });
    } finally {
      // Some objects may be written even when another failed.
      options.onSidecarsChanged?.(client.cluster.name);
    }
  }
  return {
    cluster: client.cluster.name,
    namespace: request.namespace,
    dryRun: request.dryRun,
    changes: changesOf(objects, existing, request.namespace),
    yaml: appliedYaml(results),
  };
}

/** Records the sidecars' mean memory before the change, when any sidecar has a reading. */
async function recordMemoryBefore(
  applied: AppliedSidecarStore,
  item: Item,
  objects: readonly SidecarObject[],
  by: { entityRef: string | undefined; appliedBy: string },
): Promise<void> {
  const before = meanSidecarMemory(item.proxies);
  if (!before) return;
  await applied.record({
    cluster: item.cluster,
    namespace: item.namespace,
    entityRef: by.entityRef,
    appliedBy: by.appliedBy,
    appliedAt: new Date(),
    beforeBytes: before.bytes,
    pods: before.pods,
    sidecarNames: objects.map(o => o.metadata!.name!),
  });
}
