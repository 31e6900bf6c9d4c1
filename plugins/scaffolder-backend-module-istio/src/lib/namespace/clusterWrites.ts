import { NotFoundError } from '@backstage/errors';
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { ISTIO_FIELD_MANAGER } from '@istio-backstage/plugin-istio-common';
import {
  statusOf,
  toWriteError as toClusterWriteError,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import type { MeshObject } from './objects';

/** What applying one object does (or would do, in a dry run). */
export type ObjectAction = 'created' | 'configured' | 'unchanged';

const describe = (o: MeshObject) =>
  o.metadata.namespace
    ? `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`
    : `${o.kind} ${o.metadata.name}`;

/** Maps a cluster's refusal to a Backstage error naming the object (see istio-node). */
export function toWriteError(error: unknown, object: MeshObject): Error {
  return toClusterWriteError(error, describe(object));
}

/**
 * Fails before any write when the cluster does not serve one of the kinds (Istio not
 * installed, or older than 1.22 where these APIs are not `v1` yet).
 */
export async function ensureKindsServed(
  client: ClusterClient,
  objects: MeshObject[],
): Promise<void> {
  const seen = new Set<string>();
  for (const object of objects) {
    const key = `${object.apiVersion}/${object.kind}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const [group, version] = object.apiVersion.includes('/')
      ? object.apiVersion.split('/')
      : ['', object.apiVersion];
    let served = false;
    try {
      const list = await client.read(apis =>
        group
          ? apis.custom.getAPIResources({ group, version })
          : apis.core.getAPIResources(),
      );
      served = list.resources.some(r => r.kind === object.kind);
    } catch (error) {
      if (statusOf(error) !== 404) throw toWriteError(error, object);
    }
    if (!served) {
      throw new NotFoundError(
        `Cluster '${client.cluster.name}' does not serve ${object.kind} (${object.apiVersion}): is Istio 1.22 or later installed?`,
      );
    }
  }
}

/** The object as the cluster has it now, or undefined when it does not exist. */
export async function readExisting(
  client: ClusterClient,
  object: MeshObject,
): Promise<KubernetesObject | undefined> {
  try {
    return await client.read(apis =>
      apis.objects.read({
        apiVersion: object.apiVersion,
        kind: object.kind,
        metadata: {
          name: object.metadata.name,
          ...(object.metadata.namespace
            ? { namespace: object.metadata.namespace }
            : {}),
        },
      }),
    );
  } catch (error) {
    if (statusOf(error) === 404) return undefined;
    throw toWriteError(error, object);
  }
}

/**
 * Server-side apply of one object with our field manager and `force=false`, so a
 * field someone else owns is a conflict rather than silently taken over.
 */
export async function applyObject(
  client: ClusterClient,
  object: MeshObject,
  options: { dryRun: boolean; impersonateUser?: string },
): Promise<KubernetesObject> {
  try {
    return await client.write(
      apis =>
        apis.objects.patch(
          // client-node fills in defaults on the object it is given.
          structuredClone(object) as KubernetesObject,
          undefined,
          options.dryRun ? 'All' : undefined,
          ISTIO_FIELD_MANAGER,
          false,
          PatchStrategy.ServerSideApply,
        ),
      options.impersonateUser,
    );
  } catch (error) {
    throw toWriteError(error, object);
  }
}

/**
 * Creates one object (POST) with our field manager: unlike an apply, a create never
 * takes over an object that exists, which answers 409 AlreadyExists instead. The
 * status is kept on the error, so the caller can tell that case apart.
 */
export async function createObject(
  client: ClusterClient,
  object: MeshObject,
  options: { dryRun: boolean; impersonateUser?: string },
): Promise<KubernetesObject> {
  return client.write(
    apis =>
      apis.objects.create(
        structuredClone(object) as KubernetesObject,
        undefined,
        options.dryRun ? 'All' : undefined,
        ISTIO_FIELD_MANAGER,
      ),
    options.impersonateUser,
  );
}

const comparable = (o: KubernetesObject | undefined) =>
  JSON.stringify({
    labels: o?.metadata?.labels ?? {},
    annotations: o?.metadata?.annotations ?? {},
    spec: (o as { spec?: unknown } | undefined)?.spec ?? null,
  });

/** What the apply changes, from the object before and the (dry-run) result after. */
export function actionOf(
  before: KubernetesObject | undefined,
  after: KubernetesObject,
): ObjectAction {
  if (!before) return 'created';
  return comparable(before) === comparable(after) ? 'unchanged' : 'configured';
}
