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
  const { client, objects, dryRun, impersonateUser, checkpoint, signal } =
    options;
  const results: AppliedObject[] = [];
  const notes = [...objects.notes];
  const done = (entry: AppliedObject) => {
    results.push(entry);
    options.onApplied?.(entry);
  };
  const stopIfCancelled = (next: string) => {
    if (!signal?.aborted) return;
    const written = dryRun ? [] : results.map(r => `${r.kind} ${r.name}`);
    options.logger.warn(
      `Cancelled before ${next}. ${
        written.length
          ? `Already written and valid on their own: ${written.join(
              ', ',
            )}; running the action again completes the namespace.`
          : 'Nothing was written.'
      }`,
    );
    signal.throwIfAborted();
  };
  const key = (o: MeshObject) =>
    `istio-namespace.${client.cluster.name}.${o.metadata.namespace ?? '-'}.${
      o.kind
    }.${o.metadata.name}`;

  stopIfCancelled('reading the cluster');
  await ensureKindsServed(client, [objects.namespace, ...objects.namespaced]);
  const namespaceBefore = await readExisting(client, objects.namespace);
  if (namespaceBefore && !isOurNamespace(namespaceBefore)) {
    const managers = fieldManagersOf(namespaceBefore);
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

  stopIfCancelled(`Namespace ${objects.namespace.metadata.name}`);
  const writeNamespace = async () => {
    const checked = await applyObject(client, objects.namespace, {
      dryRun: true,
      impersonateUser,
    });
    if (!dryRun)
      await applyObject(client, objects.namespace, {
        dryRun: false,
        impersonateUser,
      });
    return entryOf(objects.namespace, actionOf(namespaceBefore, checked));
  };
  done(
    dryRun
      ? await writeNamespace()
      : await checkpoint(key(objects.namespace), writeNamespace),
  );
  if (objects.namespaced.length === 0) return { objects: results, notes };

  if (dryRun && !namespaceBefore) {
    // Kubernetes refuses even a dry run of an object in a namespace that does not exist.
    for (const object of objects.namespaced)
      done(entryOf(object, 'created', false));
    notes.push(
      'The namespace does not exist yet, so the cluster could not dry-run the objects in it; they are checked when the namespace is created.',
    );
    return { objects: results, notes };
  }

  stopIfCancelled('checking the objects in the namespace');
  const planned: AppliedObject[] = [];
  for (const object of objects.namespaced) {
    const before = await readExisting(client, object);
    const checked = await applyObject(client, object, {
      dryRun: true,
      impersonateUser,
    });
    planned.push(entryOf(object, actionOf(before, checked)));
  }
  if (dryRun) {
    planned.forEach(done);
    return { objects: results, notes };
  }

  for (const [i, object] of objects.namespaced.entries()) {
    stopIfCancelled(`${object.kind} ${object.metadata.name}`);
    done(
      await checkpoint(key(object), async () => {
        await applyObject(client, object, { dryRun: false, impersonateUser });
        return planned[i];
      }),
    );
  }
  return { objects: results, notes };
}
