import type {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  istioSidecarApplyPermission,
  type IstioSidecarApplyRequest,
  type IstioSidecarApplyResult,
  type IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import {
  entityFieldManager,
  statusOf,
  type ClusterAccess,
  type ClusterClient,
  type NamespaceOwnerRules,
} from '@istio-backstage/plugin-istio-node';
import { specDigest } from '../../lib/canonicalJson';
import { meanSidecarMemory } from '../../lib/sidecar';
import {
  callerOwnership,
  type CallerOwnership,
  type OwnershipDeps,
} from '../../lib/ownership/callerOwnership';
import type { AppliedSidecarStore } from '../AppliedSidecarStore';
import type { SidecarMemoryService } from '../SidecarMemoryService';
import {
  assertNamespaceOwner,
  assertOurs,
  assertSelectsOnlyOwnPods,
} from './ownershipChecks';
import { StaleApplyError } from './StaleApplyError';
import type { SidecarApplyService } from './types';
import {
  applyDigest,
  appliedYaml,
  changesOf,
  markedForEntity,
  readExisting,
  serverSideApply,
  sidecarObjectsOf,
  toApplyError,
  type SidecarObject,
} from './sidecarWrites';

type Item = IstioSidecarMemoryResponse['items'][number];
type Caller = {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  userAuth?: Parameters<ClusterAccess['get']>[1];
};

/** What {@link createSidecarApplyService} needs. */
export interface SidecarApplyServiceOptions extends OwnershipDeps {
  clusters: ClusterAccess;
  sidecarMemory: SidecarMemoryService;
  applied: AppliedSidecarStore;
  permissions: PermissionsService;
  auditor: AuditorService;
  logger: LoggerService;
  /** Who owns which namespace (its annotation, or config). */
  namespaceOwners: NamespaceOwnerRules;
  impersonate: boolean;
  /** Told of each cluster whose Sidecars an apply may have changed, before it is recorded. */
  onSidecarsChanged?: (cluster: string) => void;
}

/** One apply, worked out and checked, before anything is written. */
interface PlannedApply {
  entityRef: string;
  item: Item;
  objects: SidecarObject[];
  existing: Array<SidecarObject | undefined>;
  digest: string;
}

/**
 * Applies the recommended Sidecar for an entity, only where the caller is proven to
 * own it on the cluster side: the namespace's owner annotation (or config) names
 * them, every pod a Sidecar would configure is theirs, no Sidecar made by someone
 * else or for another entity is touched. Built server-side from the current
 * recommendation (never client YAML), dry-run first, written with the entity's own
 * field manager and `force=false`, and only when it is exactly the dry run the user
 * approved (its digest). Every attempt, refusal included, is an auditor event.
 */
export function createSidecarApplyService(
  options: SidecarApplyServiceOptions,
): SidecarApplyService {
  const { clusters, auditor } = options;

  return {
    async authorize(entityRef, { credentials }) {
      const [decision] = await options.permissions.authorize(
        [{ permission: istioSidecarApplyPermission, resourceRef: entityRef }],
        { credentials },
      );
      if (decision.result === AuthorizeResult.ALLOW) return;
      const error = new NotAllowedError(
        `Not allowed to apply Sidecars for ${entityRef}`,
      );
      const event = await auditor.createEvent({
        eventId: 'sidecar-apply',
        severityLevel: 'medium',
        meta: { user: credentials.principal.userEntityRef, entityRef },
      });
      await event.fail({ error });
      throw error;
    },

    async apply(request, caller) {
      const user = caller.credentials.principal.userEntityRef;
      const event = await auditor.createEvent({
        eventId: 'sidecar-apply',
        severityLevel: request.dryRun ? 'low' : 'medium',
        meta: {
          user,
          entityRef: request.entityRef,
          cluster: request.cluster,
          namespace: request.namespace,
          dryRun: request.dryRun,
          ...(request.digest ? { approvedDigest: request.digest } : {}),
        },
      });
      let planned: PlannedApply | undefined;
      try {
        const client = clusters.get(request.cluster, caller.userAuth);
        planned = await planApply(options, client, request, caller);
        const result = await applyPlanned(options, client, request, planned, {
          user,
        });
        await event.success({ meta: outcomeMeta(planned, result) });
        return result;
      } catch (error) {
        const mapped = toApplyError(error);
        await event.fail({
          error: mapped,
          meta: planned ? outcomeMeta(planned) : {},
        });
        throw mapped;
      }
    },
  };
}

/** What the audit trail records of an attempt's outcome. */
function outcomeMeta(planned: PlannedApply, result?: IstioSidecarApplyResult) {
  return {
    objects: planned.objects.map(o => o.metadata?.name ?? ''),
    digest: planned.digest,
    ...(result
      ? { changes: result.changes.map(c => `${c.name}:${c.action}`) }
      : {}),
  };
}

/**
 * Works out the apply and checks it may happen: the caller owns the namespace, the
 * current recommendation (read fresh on their behalf), no Sidecar that is not this
 * entity's, only their pods selected; then its digest.
 */
async function planApply(
  options: SidecarApplyServiceOptions,
  client: ClusterClient,
  request: IstioSidecarApplyRequest,
  caller: Caller,
): Promise<PlannedApply> {
  const ownership = await callerOwnership(options, caller.credentials);
  await namespaceOwnerCheck(options, client, request.namespace, ownership);
  const { entityRef, item } = await recommendedHere(
    options.sidecarMemory,
    request,
    caller,
    client.cluster.name,
  );
  const entity = await options.catalog.getEntityByRef(entityRef, {
    credentials: caller.credentials,
  });
  if (!entity) throw new NotFoundError(`No entity ${entityRef}`);
  const objects = markedForEntity(
    sidecarObjectsOf(item.recommendation!.yaml, request.namespace),
    entityRef,
  );
  const existing = await readExisting(client, objects, request.namespace);
  assertOurs(existing, entityRef);
  await assertSelectsOnlyOwnPods(client, objects, {
    ownership,
    entity,
    entityPods: new Set(item.proxies.map(p => p.pod)),
  });
  const digest = applyDigest({
    user: caller.credentials.principal.userEntityRef,
    entityRef,
    cluster: client.cluster.name,
    namespace: request.namespace,
    objects,
    existing,
  });
  return { entityRef, item, objects, existing, digest };
}

/** {@link assertNamespaceOwner}, a missing namespace answered as such. */
async function namespaceOwnerCheck(
  options: SidecarApplyServiceOptions,
  client: ClusterClient,
  namespace: string,
  ownership: CallerOwnership,
): Promise<void> {
  try {
    await assertNamespaceOwner(
      client,
      namespace,
      options.namespaceOwners,
      ownership,
    );
  } catch (error) {
    if (statusOf(error) === 404)
      throw new NotFoundError(
        `Namespace '${namespace}' does not exist in cluster '${client.cluster.name}'`,
      );
    throw error;
  }
}

/**
 * The entity's current recommendation for the requested namespace, read fresh on the
 * user's behalf (never client YAML): not found without workloads there, a conflict when
 * nothing is recommended.
 */
async function recommendedHere(
  sidecarMemory: SidecarMemoryService,
  request: IstioSidecarApplyRequest,
  caller: Caller,
  cluster: string,
): Promise<{ entityRef: string; item: Item }> {
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
  return { entityRef: memory.entityRef ?? request.entityRef, item };
}

/**
 * Always a dry run first, so admission webhooks and conflicts surface before any
 * change; then, for a real apply whose digest is the approved one, the write (each
 * existing Sidecar only at the version the dry run saw).
 */
async function applyPlanned(
  options: SidecarApplyServiceOptions,
  client: ClusterClient,
  request: IstioSidecarApplyRequest,
  planned: PlannedApply,
  by: { user: string },
): Promise<IstioSidecarApplyResult> {
  const { objects, existing, digest } = planned;
  const write = {
    fieldManager: entityFieldManager(planned.entityRef),
    impersonateUser: options.impersonate ? by.user : undefined,
  };
  const checked = await serverSideApply(client, objects, {
    ...write,
    dryRun: true,
  });
  const result: IstioSidecarApplyResult = {
    cluster: client.cluster.name,
    namespace: request.namespace,
    dryRun: true,
    changes: changesOf(objects, existing, checked, request.namespace),
    yaml: appliedYaml(checked),
    entityRef: planned.entityRef,
    digest,
  };
  if (request.dryRun) return result;
  if (request.digest !== digest) throw new StaleApplyError(result);
  const pinned = objects.map((o, i) => ({
    ...o,
    metadata: {
      ...o.metadata,
      resourceVersion: existing[i]?.metadata?.resourceVersion,
    },
  }));
  let written;
  try {
    written = await serverSideApply(client, pinned, {
      ...write,
      dryRun: false,
    });
  } finally {
    // Some objects may be written even when another failed.
    options.onSidecarsChanged?.(client.cluster.name);
  }
  const changes = result.changes;
  // Only a real change starts a new before/after measurement.
  if (changes.some(c => c.action !== 'unchanged'))
    await recordMemoryBefore(options.applied, planned.item, written, {
      entityRef: result.entityRef,
      appliedBy: by.user,
    });
  return { ...result, dryRun: false, yaml: appliedYaml(written) };
}

/**
 * Records the sidecars' mean memory before the change, when any sidecar has a reading,
 * with the pods it was measured on and each Sidecar as the API server wrote it: an
 * "after" is only compared with it for those pods under those Sidecars.
 */
async function recordMemoryBefore(
  applied: AppliedSidecarStore,
  item: Item,
  written: readonly SidecarObject[],
  by: { entityRef: string; appliedBy: string },
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
    sidecarNames: written.map(o => o.metadata!.name!),
    podNames: before.podNames,
    sidecarDigests: Object.fromEntries(
      written.map(o => [o.metadata!.name!, specDigest(o.spec)]),
    ),
  });
}
