import type { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import type { ClusterClient } from '@istio-backstage/plugin-istio-node';
import {
  actionOf,
  applyObject,
  ensureKindsServed,
  readExisting,
  type ObjectAction,
} from './clusterWrites';
import {
  fieldManagersOf,
  isOurNamespace,
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

/** Dry-runs the Namespace, then (unless a dry run) writes it once per task. */
async function applyNamespace(
  options: ApplyMeshNamespaceOptions,
  before: Awaited<ReturnType<typeof readExisting>>,
): Promise<AppliedObject> {
  const { client, dryRun, impersonateUser } = options;
  const namespace = options.objects.namespace;
  const write = async () => {
    const checked = await applyObject(client, namespace, {
      dryRun: true,
      impersonateUser,
    });
    if (!dryRun)
      await applyObject(client, namespace, { dryRun: false, impersonateUser });
    return entryOf(namespace, actionOf(before, checked));
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
 * PeerAuthentication. Every object is dry-run (`dryRun=All`) before it is written;
 * the namespaced objects are all dry-run before the first of them is written, so an
 * admission webhook's refusal stops the run before any of them changes.
 *
 * Cancellation is checked before every step. Each write is one server-side apply, so
 * a cancelled or failed run leaves only whole objects behind: a Namespace with its
 * mesh labels is valid on its own, and running the action again (or retrying the
 * task) applies the rest and reports what was already there as `unchanged`.
 */
export async function applyMeshNamespace(
  options: ApplyMeshNamespaceOptions,
): Promise<{ objects: AppliedObject[]; notes: string[] }> {
  const { client, objects, dryRun, impersonateUser } = options;
  const run = trackRun(options);

  run.stopIfCancelled('reading the cluster');
  const namespaceBefore = await readOwnNamespace(client, objects);
  run.stopIfCancelled(`Namespace ${objects.namespace.metadata.name}`);
  run.done(await applyNamespace(options, namespaceBefore));
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
