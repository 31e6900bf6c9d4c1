import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  fieldManagersOf,
  statusOf,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import {
  actionOf,
  applyObject,
  createObject,
  ensureKindsServed,
  readExisting,
  toWriteError,
  type ObjectAction,
} from './clusterWrites';
import {
  assertMayChangeNamespace,
  assertMtlsNotLowered,
  keepCurrentOwner,
  type NamespaceCaller,
} from './guards';
import {
  isOurNamespace,
  namespaceMarker,
  type MeshNamespaceObjects,
  type MeshObject,
} from './objects';

/** One object of the result. */
export type AppliedObject = {
  kind: MeshObject['kind'];
  name: string;
  namespace?: string;
  action: ObjectAction;
  /** False only in a dry run of a new namespace: the cluster cannot check objects in a namespace that does not exist yet. */
  checkedByCluster: boolean;
};

/** Runs a side effect once per task, even when the task is resumed (`ctx.checkpoint`). */
export type Checkpoint = (
  key: string,
  fn: () => Promise<AppliedObject>,
) => Promise<AppliedObject>;

/** What {@link applyMeshNamespace} needs. */
export interface ApplyMeshNamespaceOptions {
  client: ClusterClient;
  objects: MeshNamespaceObjects;
  dryRun: boolean;
  impersonateUser?: string;
  checkpoint: Checkpoint;
  signal?: AbortSignal;
  logger: LoggerService;
  /** Who runs the action: a namespace that exists is changed only by its owners. */
  caller: NamespaceCaller;
  /** mTLS: Istio's root namespace (mesh-wide policy), and whether weakening is meant. */
  mtls: { rootNamespace: string; allowWeakerMtls: boolean };
  /** Called after each object is written (or dry-run checked), for the audit trail. */
  onApplied?: (object: AppliedObject) => void;
}

const entryOf = (
  object: MeshObject,
  action: ObjectAction,
  checkedByCluster = true,
): AppliedObject => ({
  kind: object.kind,
  name: object.metadata.name,
  ...(object.metadata.namespace
    ? { namespace: object.metadata.namespace }
    : {}),
  action,
  checkedByCluster,
});

/** The results so far, and the cancellation check that reports them. */
function trackRun(options: ApplyMeshNamespaceOptions) {
  const { dryRun, signal, logger } = options;
  const objects: AppliedObject[] = [];
  const notes = [...options.objects.notes];
  return {
    notes,
    done(entry: AppliedObject) {
      objects.push(entry);
      options.onApplied?.(entry);
    },
    /** Stops before `next` when the task was cancelled, saying what is already written. */
    stopIfCancelled(next: string) {
      if (!signal?.aborted) return;
      const written = dryRun ? [] : objects.map(r => `${r.kind} ${r.name}`);
      logger.warn(
        `Cancelled before ${next}. ${
          written.length
            ? `Already written and valid on their own: ${written.join(
                ', ',
              )}; running the action again completes the namespace.`
            : 'Nothing was written.'
        }`,
      );
      signal.throwIfAborted();
    },
    result: () => ({ objects, notes }),
  };
}

/** The `ctx.checkpoint` key of one object's write: unique per cluster and object. */
const checkpointKey = (client: ClusterClient, o: MeshObject) =>
  `istio-namespace.${client.cluster.name}.${o.metadata.namespace ?? '-'}.${
    o.kind
  }.${o.metadata.name}`;

/**
 * The namespace as it is now (undefined when absent), after checking that the cluster
 * serves every kind to write. Someone else's namespace is refused, unchanged.
 */
async function readOwnNamespace(
  client: ClusterClient,
  objects: MeshNamespaceObjects,
) {
  await ensureKindsServed(client, [objects.namespace, ...objects.namespaced]);
  const before = await readExisting(client, objects.namespace);
  if (before && !isOurNamespace(before)) {
    const managers = fieldManagersOf(before);
    throw new ConflictError(
      `Namespace '${
        objects.namespace.metadata.name
      }' already exists in cluster '${
        client.cluster.name
      }' and was not created by Backstage${
        managers.length ? ` (field managers: ${managers.join(', ')})` : ''
      }; it is left unchanged`,
    );
  }
  return before;
}

/** What the run found, and the objects it writes, once every check has passed. */
interface CheckedRun {
  before?: KubernetesObject;
  objects: MeshNamespaceObjects;
  /** Said when the run lowers mTLS on purpose. */
  mtlsNote?: string;
}

/**
 * Everything decided before the first write: whose namespace it is, whether the
 * caller may change it, and whether mTLS would be lowered.
 */
async function checkBeforeWriting(
  options: ApplyMeshNamespaceOptions,
): Promise<CheckedRun> {
  const { client } = options;
  const before = await readOwnNamespace(client, options.objects);
  if (before)
    await assertMayChangeNamespace(client.cluster.name, before, options.caller);
  const objects = before
    ? keepCurrentOwner(options.objects, before)
    : options.objects;
  const mtlsNote = await assertMtlsNotLowered(client, objects, {
    namespaceExists: before !== undefined,
    ...options.mtls,
  });
  return { before, objects, mtlsNote };
}

/**
 * POSTs the namespace's mark; a namespace that is there by now (409 AlreadyExists) was
 * made by someone else after this run found none, and is never adopted.
 */
async function createMarker(
  client: ClusterClient,
  marker: MeshObject,
  options: { dryRun: boolean; impersonateUser?: string },
): Promise<void> {
  try {
    await createObject(client, marker, options);
  } catch (error) {
    if (statusOf(error) !== 409) throw toWriteError(error, marker);
    throw new ConflictError(
      `Namespace '${marker.metadata.name}' appeared in cluster '${client.cluster.name}' after this run found none (someone else created it meanwhile); it was not adopted, and nothing was written`,
    );
  }
}

/**
 * Writes the Namespace once per task (unless a dry run), each step dry-run first. A
 * namespace that does not exist is created (POST) rather than applied, so one that
 * appears meanwhile is refused instead of taken over; once it is ours, its labels and
 * owner are applied as on every later run.
 */
async function writeNamespace(
  options: ApplyMeshNamespaceOptions,
  checked: CheckedRun,
): Promise<AppliedObject> {
  const { client, dryRun, impersonateUser } = options;
  const { before } = checked;
  const namespace = checked.objects.namespace;
  const marker = before ? undefined : namespaceMarker(namespace);
  const write = async () => {
    if (marker)
      await createMarker(client, marker, { dryRun: true, impersonateUser });
    const result = await applyObject(client, namespace, {
      dryRun: true,
      impersonateUser,
    });
    if (!dryRun) {
      if (marker)
        await createMarker(client, marker, { dryRun: false, impersonateUser });
      await applyObject(client, namespace, { dryRun: false, impersonateUser });
    }
    return entryOf(namespace, actionOf(before, result));
  };
  return dryRun
    ? write()
    : options.checkpoint(checkpointKey(client, namespace), write);
}

/** Dry-runs every object in the namespace, so a refusal comes before any write. */
async function dryRunEach(
  client: ClusterClient,
  objects: MeshObject[],
  impersonateUser: string | undefined,
): Promise<AppliedObject[]> {
  const planned: AppliedObject[] = [];
  for (const object of objects) {
    const before = await readExisting(client, object);
    const checked = await applyObject(client, object, {
      dryRun: true,
      impersonateUser,
    });
    planned.push(entryOf(object, actionOf(before, checked)));
  }
  return planned;
}

/**
 * Writes a mesh namespace: the Namespace first, then its Sidecar, Telemetry and
 * PeerAuthentication. Before any write it checks that a namespace that exists is ours
 * and that the caller may change it, and that mTLS is not lowered unless meant. Every
 * object is dry-run (`dryRun=All`) before it is written; the namespaced objects are
 * all dry-run before the first of them is written, so an admission webhook's refusal
 * stops the run before any of them changes.
 *
 * Cancellation is checked before every step. Each write is whole, so a cancelled or
 * failed run leaves only whole objects behind: a Namespace with its mesh labels is
 * valid on its own, and running the action again (or retrying the task) applies the
 * rest and reports what was already there as `unchanged`.
 */
export async function applyMeshNamespace(
  options: ApplyMeshNamespaceOptions,
): Promise<{ objects: AppliedObject[]; notes: string[] }> {
  const { client, dryRun, impersonateUser } = options;
  const run = trackRun(options);

  run.stopIfCancelled('reading the cluster');
  const checked = await checkBeforeWriting(options);
  const { before: namespaceBefore, objects } = checked;
  if (checked.mtlsNote) run.notes.push(checked.mtlsNote);
  run.stopIfCancelled(`Namespace ${objects.namespace.metadata.name}`);
  run.done(await writeNamespace(options, checked));
  if (objects.namespaced.length === 0) return run.result();

  if (dryRun && !namespaceBefore) {
    // Kubernetes refuses even a dry run of an object in a namespace that does not exist.
    for (const object of objects.namespaced)
      run.done(entryOf(object, 'created', false));
    run.notes.push(
      'The namespace does not exist yet, so the cluster could not dry-run the objects in it; they are checked when the namespace is created.',
    );
    return run.result();
  }

  run.stopIfCancelled('checking the objects in the namespace');
  const planned = await dryRunEach(client, objects.namespaced, impersonateUser);
  if (dryRun) {
    planned.forEach(run.done);
    return run.result();
  }

  for (const [i, object] of objects.namespaced.entries()) {
    run.stopIfCancelled(`${object.kind} ${object.metadata.name}`);
    run.done(
      await options.checkpoint(checkpointKey(client, object), async () => {
        await applyObject(client, object, { dryRun: false, impersonateUser });
        return planned[i];
      }),
    );
  }
  return run.result();
}
