import type { Config } from '@backstage/config';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import type { KubernetesObject } from '@kubernetes/client-node';
import {
  isDns1123Label,
  MESH_NAMESPACE_MARKS,
} from '@istio-backstage/plugin-istio-common';

/**
 * Who owns a namespace, and where that was read.
 *
 * @public
 */
export interface NamespaceOwnership {
  /** Entity refs (groups or users) in full form. */
  owners: string[];
  /** `annotation`: the namespace's own owner annotation; `config`: `istio.apply.namespaceOwners`. */
  source: 'annotation' | 'config';
}

const CONFIG_KEY = 'istio.apply';

function fullRef(raw: string, path: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(raw, { defaultKind: 'group' }));
  } catch {
    throw new Error(
      `Invalid config at '${path}': '${raw}' is not an entity ref (e.g. group:default/payments-team)`,
    );
  }
}

/**
 * Who may write into which namespace through the Istio plugins, proven on the cluster
 * side: a namespace's `istio-backstage.io/owner` annotation (written by
 * `istio:namespace:create`, or by a platform engineer with `kubectl annotate`), else
 * `istio.apply.namespaceOwners` for namespaces created elsewhere. A catalog entity
 * claiming a namespace proves nothing: anyone can register one.
 *
 * @public
 */
export class NamespaceOwnerRules {
  /**
   * Reads `istio.apply.namespaceOwners` (entries of `namespace`, optional `cluster`,
   * `owners`) and `istio.apply.platformGroups`; a mistake throws with its path.
   */
  static fromConfig(config: Config): NamespaceOwnerRules {
    const apply = config.getOptionalConfig(CONFIG_KEY);
    const owners = new Map<string, string[]>();
    const entries = apply?.getOptionalConfigArray('namespaceOwners') ?? [];
    entries.forEach((entry, i) => {
      const path = `${CONFIG_KEY}.namespaceOwners[${i}]`;
      const namespace = entry.getString('namespace');
      if (!isDns1123Label(namespace))
        throw new Error(
          `Invalid config at '${path}.namespace': '${namespace}' is not a namespace name`,
        );
      const cluster = entry.getOptionalString('cluster');
      const refs = entry
        .getStringArray('owners')
        .map(r => fullRef(r, `${path}.owners`));
      owners.set(cluster ? `${cluster}/${namespace}` : namespace, refs);
    });
    const platformGroups = (
      apply?.getOptionalStringArray('platformGroups') ?? []
    ).map(r => fullRef(r, `${CONFIG_KEY}.platformGroups`));
    return new NamespaceOwnerRules(owners, platformGroups);
  }

  private constructor(
    private readonly configured: ReadonlyMap<string, string[]>,
    /** Groups that may hand a namespace created by the plugins to another owner. */
    readonly platformGroups: readonly string[],
  ) {}

  /**
   * The namespace's owners: its owner annotation when it has one, else the config
   * mapping for `cluster/namespace`, else for the namespace in every cluster.
   */
  ownersOf(
    cluster: string,
    namespace: KubernetesObject,
  ): NamespaceOwnership | undefined {
    const annotated =
      namespace.metadata?.annotations?.[MESH_NAMESPACE_MARKS.ownerAnnotation];
    if (annotated) {
      try {
        return { owners: [fullRef(annotated, '')], source: 'annotation' };
      } catch {
        return undefined;
      }
    }
    const name = namespace.metadata?.name ?? '';
    const owners =
      this.configured.get(`${cluster}/${name}`) ?? this.configured.get(name);
    return owners ? { owners: [...owners], source: 'config' } : undefined;
  }

  /** Whether one of the caller's ownership refs is a platform group. */
  isPlatformMember(ownershipEntityRefs: readonly string[]): boolean {
    return ownershipEntityRefs.some(ref => this.platformGroups.includes(ref));
  }
}

/**
 * Whether the caller (their user ref and groups, as `UserInfoService` gives
 * `ownershipEntityRefs`) is one of the owners.
 *
 * @public
 */
export function isOwner(
  ownership: NamespaceOwnership | undefined,
  ownershipEntityRefs: readonly string[],
): boolean {
  return (
    ownership !== undefined &&
    ownership.owners.some(o => ownershipEntityRefs.includes(o))
  );
}

/**
 * How a platform engineer makes a namespace writable through Backstage, for refusals.
 *
 * @public
 */
export function howToClaimNamespace(
  cluster: string,
  namespace: string,
): string {
  return `a platform engineer can claim it with \`kubectl annotate namespace ${namespace} ${MESH_NAMESPACE_MARKS.ownerAnnotation}=group:default/<team>\` in cluster '${cluster}', or list it under istio.apply.namespaceOwners in the Backstage config`;
}
