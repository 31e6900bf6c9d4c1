import { InputError } from '@backstage/errors';
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import {
  isDns1123Label,
  MESH_NAMESPACE_MARKS,
  type IstioSidecarChange,
} from '@istio-backstage/plugin-istio-common';
import {
  statusOf,
  toWriteError,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import { createHash } from 'node:crypto';
import yaml from 'yaml';
import { canonicalJson } from '../../lib/canonicalJson';

/** A Sidecar as the recommendation's YAML writes it, or as the cluster has it. */
export type SidecarObject = KubernetesObject & {
  spec?: {
    workloadSelector?: { labels?: Record<string, string> };
    egress?: Array<{ hosts?: string[] }>;
  };
};

const hostsOf = (o: SidecarObject | undefined) =>
  (o?.spec?.egress ?? []).flatMap(e => e.hosts ?? []);

/**
 * The objects of the recommendation's YAML, checked once more before any write: only
 * Sidecars of `networking.istio.io`, only in `namespace`, only with valid names.
 */
export function sidecarObjectsOf(
  recommendationYaml: string,
  namespace: string,
): SidecarObject[] {
  const objects = yaml
    .parseAllDocuments(recommendationYaml)
    .map(d => d.toJS({ maxAliasCount: 0 }) as SidecarObject);
  for (const object of objects) {
    if (
      object.kind !== 'Sidecar' ||
      !object.apiVersion?.startsWith('networking.istio.io/') ||
      object.metadata?.namespace !== namespace ||
      !isDns1123Label(object.metadata?.name)
    ) {
      throw new InputError(
        'The recommendation produced an object that may not be applied',
      );
    }
  }
  return objects;
}

/**
 * The objects marked as applied for the entity: its ref as an annotation (so no other
 * entity's apply changes them) and the managed-by label.
 */
export function markedForEntity(
  objects: readonly SidecarObject[],
  entityRef: string,
): SidecarObject[] {
  return objects.map(o => ({
    ...o,
    metadata: {
      ...o.metadata,
      labels: {
        ...o.metadata?.labels,
        [MESH_NAMESPACE_MARKS.managedByLabel]:
          MESH_NAMESPACE_MARKS.managedByValue,
      },
      annotations: {
        ...o.metadata?.annotations,
        [MESH_NAMESPACE_MARKS.entityAnnotation]: entityRef,
      },
    },
  }));
}

/**
 * The fingerprint of one apply: who, for which entity, where, exactly which objects,
 * and the version of each existing Sidecar they change (absent ones as null). The
 * real apply is refused unless it is the approved dry run's.
 */
export function applyDigest(apply: {
  user: string;
  entityRef: string;
  cluster: string;
  namespace: string;
  objects: readonly SidecarObject[];
  existing: ReadonlyArray<SidecarObject | undefined>;
}): string {
  return createHash('sha256')
    .update(
      canonicalJson({
        ...apply,
        existing: apply.existing.map(o => o?.metadata?.resourceVersion ?? null),
      }),
    )
    .digest('hex');
}

/** The objects as the cluster has them now; undefined for those that do not exist. */
export function readExisting(
  client: ClusterClient,
  objects: readonly SidecarObject[],
  namespace: string,
): Promise<Array<SidecarObject | undefined>> {
  return Promise.all(
    objects.map(o =>
      client
        .read(apis =>
          apis.objects.read({
            apiVersion: o.apiVersion,
            kind: o.kind,
            metadata: { name: o.metadata!.name!, namespace },
          }),
        )
        .then(x => x as SidecarObject)
        .catch(error => {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }),
    ),
  );
}

/**
 * Server-side applies the objects with the entity's own field manager and
 * `force=false`, so a field another manager owns is a conflict rather than taken over;
 * `dryRun` changes nothing.
 */
export function serverSideApply(
  client: ClusterClient,
  objects: readonly SidecarObject[],
  options: { dryRun: boolean; fieldManager: string; impersonateUser?: string },
): Promise<KubernetesObject[]> {
  return Promise.all(
    objects.map(o =>
      client.write(
        apis =>
          apis.objects.patch(
            structuredClone(o),
            undefined,
            options.dryRun ? 'All' : undefined,
            options.fieldManager,
            false,
            PatchStrategy.ServerSideApply,
          ),
        options.impersonateUser,
      ),
    ),
  );
}

/** What decides whether a Sidecar changes: its whole spec, labels and annotations. */
const comparable = (o: KubernetesObject | undefined) =>
  canonicalJson({
    labels: o?.metadata?.labels ?? {},
    annotations: o?.metadata?.annotations ?? {},
    spec: (o as SidecarObject | undefined)?.spec ?? null,
  });

/**
 * What applying each object does to the Sidecar of that name — created, configured or
 * unchanged — from the object before and the dry run's result after.
 */
export function changesOf(
  objects: readonly SidecarObject[],
  existing: ReadonlyArray<SidecarObject | undefined>,
  after: readonly KubernetesObject[],
  namespace: string,
): IstioSidecarChange[] {
  return objects.map((o, i) => {
    const before = existing[i];
    let action: IstioSidecarChange['action'] = 'created';
    if (before)
      action =
        comparable(before) === comparable(after[i] ?? o)
          ? 'unchanged'
          : 'configured';
    return {
      name: o.metadata!.name!,
      namespace,
      action,
      ...(before ? { hostsBefore: hostsOf(before) } : {}),
      hostsAfter: hostsOf(o),
    };
  });
}

/** The objects the API server answered with, as YAML without their managed fields. */
export function appliedYaml(results: readonly KubernetesObject[]): string {
  return results
    .map(r =>
      yaml.stringify({
        ...r,
        metadata: { ...r.metadata, managedFields: undefined },
      }),
    )
    .join('---\n');
}

/**
 * Our own errors pass through as they are; anything from the cluster becomes the
 * matching Backstage error (conflict, webhook rejection…) without its upstream body.
 */
export function toApplyError(error: unknown): Error {
  return error instanceof Error &&
    [
      'ConflictError',
      'InputError',
      'NotAllowedError',
      'NotFoundError',
      'StaleApplyError',
    ].includes(error.name)
    ? error
    : toWriteError(error, 'the Sidecar');
}
