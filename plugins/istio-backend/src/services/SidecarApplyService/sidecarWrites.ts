import { InputError } from '@backstage/errors';
import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import {
  isDns1123Label,
  ISTIO_FIELD_MANAGER,
  type IstioSidecarChange,
} from '@istio-backstage/plugin-istio-common';
import {
  statusOf,
  toWriteError,
  type ClusterClient,
} from '@istio-backstage/plugin-istio-node';
import yaml from 'yaml';

/** A Sidecar as the recommendation's YAML writes it, or as the cluster has it. */
export type SidecarObject = KubernetesObject & {
  spec?: { egress?: Array<{ hosts?: string[] }> };
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
 * Server-side applies the objects with our field manager and `force=false`, so a field
 * another manager owns is a conflict rather than taken over; `dryRun` changes nothing.
 */
export function serverSideApply(
  client: ClusterClient,
  objects: readonly SidecarObject[],
  options: { dryRun: boolean; impersonateUser?: string },
): Promise<KubernetesObject[]> {
  return Promise.all(
    objects.map(o =>
      client.write(
        apis =>
          apis.objects.patch(
            o,
            undefined,
            options.dryRun ? 'All' : undefined,
            ISTIO_FIELD_MANAGER,
            false,
            PatchStrategy.ServerSideApply,
          ),
        options.impersonateUser,
      ),
    ),
  );
}

/** What applying each object does to the Sidecar of that name: created, configured or unchanged. */
export function changesOf(
  objects: readonly SidecarObject[],
  existing: ReadonlyArray<SidecarObject | undefined>,
  namespace: string,
): IstioSidecarChange[] {
  return objects.map((o, i) => {
    const before = existing[i];
    const after = hostsOf(o);
    let action: IstioSidecarChange['action'] = 'created';
    if (before)
      action =
        JSON.stringify(hostsOf(before)) === JSON.stringify(after)
          ? 'unchanged'
          : 'configured';
    return {
      name: o.metadata!.name!,
      namespace,
      action,
      ...(before ? { hostsBefore: hostsOf(before) } : {}),
      hostsAfter: after,
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
    ].includes(error.name)
    ? error
    : toWriteError(error, 'the Sidecar');
}
