import { InputError, NotAllowedError } from '@backstage/errors';
import type { KubernetesObject } from '@kubernetes/client-node';
import { MESH_NAMESPACE_MARKS } from '@istio-backstage/plugin-istio-common';
import {
  howToClaimNamespace,
  isOwner,
  toWriteError,
  type ClusterClient,
  type NamespaceOwnerRules,
} from '@istio-backstage/plugin-istio-node';
import type { MeshNamespaceObjects } from './objects';

const { ownerAnnotation } = MESH_NAMESPACE_MARKS;

/** Who runs the action, as far as changing a namespace that exists goes. */
export interface NamespaceCaller {
  /**
   * The caller's user ref and groups (`UserInfoService`'s `ownershipEntityRefs`); none
   * for a task that was not started by a user. Asked only when the namespace exists.
   */
  ownershipEntityRefs(): Promise<readonly string[]>;
  /** The owners of namespaces and the platform groups, from `istio.apply`. */
  rules: NamespaceOwnerRules;
}

/**
 * Refuses a run on an existing namespace of ours unless the caller is one of its
 * current owners (its owner annotation, else `istio.apply.namespaceOwners`) or in a
 * platform group: otherwise anyone allowed to create namespaces could take over
 * another team's namespace, or change its mesh settings, by running the template on it.
 *
 * @throws NotAllowedError naming the namespace and its current owner.
 */
export async function assertMayChangeNamespace(
  cluster: string,
  namespace: KubernetesObject,
  caller: NamespaceCaller,
): Promise<void> {
  const { rules } = caller;
  const ownership = rules.ownersOf(cluster, namespace);
  const refs = await caller.ownershipEntityRefs();
  if (isOwner(ownership, refs) || rules.isPlatformMember(refs)) return;
  const name = namespace.metadata?.name ?? '';
  const platform = rules.platformGroups.length
    ? `a platform group (${rules.platformGroups.join(', ')})`
    : 'a platform group (none is configured in istio.apply.platformGroups)';
  if (!ownership)
    throw new NotAllowedError(
      `Namespace '${name}' in cluster '${cluster}' has no owner, so only ${platform} may run istio:namespace:create on it again; ${howToClaimNamespace(
        cluster,
        name,
      )}`,
    );
  throw new NotAllowedError(
    `Namespace '${name}' in cluster '${cluster}' is owned by ${ownership.owners.join(
      ', ',
    )}; only its owner or ${platform} may run istio:namespace:create on it again, so nothing was changed`,
  );
}

/**
 * The objects with the namespace's current owner kept when the run names none: an
 * owner is changed on purpose, never dropped by leaving the input out (which would
 * leave the namespace to platform engineers only).
 */
export function keepCurrentOwner(
  objects: MeshNamespaceObjects,
  existing: KubernetesObject,
): MeshNamespaceObjects {
  const current = existing.metadata?.annotations?.[ownerAnnotation];
  const metadata = objects.namespace.metadata;
  if (!current || metadata.annotations?.[ownerAnnotation]) return objects;
  return {
    ...objects,
    namespace: {
      ...objects.namespace,
      metadata: {
        ...metadata,
        annotations: { ...metadata.annotations, [ownerAnnotation]: current },
      },
    },
  };
}

interface PeerAuthentication {
  metadata?: { name?: string };
  spec?: {
    selector?: { matchLabels?: Record<string, string> };
    mtls?: { mode?: string };
  };
}

const STRICT = 'STRICT';

/** Without a selector a PeerAuthentication applies to the whole namespace (mesh, in the root namespace). */
const isNamespaceWide = (pa: PeerAuthentication) =>
  Object.keys(pa.spec?.selector?.matchLabels ?? {}).length === 0;

const modeOf = (pa: PeerAuthentication) => pa.spec?.mtls?.mode ?? 'UNSET';

async function namespaceWidePolicies(
  client: ClusterClient,
  namespace: string,
): Promise<PeerAuthentication[]> {
  try {
    const list = (await client.read(apis =>
      apis.custom.listNamespacedCustomObject({
        group: 'security.istio.io',
        version: 'v1',
        namespace,
        plural: 'peerauthentications',
      }),
    )) as { items?: PeerAuthentication[] };
    return (list.items ?? []).filter(isNamespaceWide);
  } catch (error) {
    // Unknown policies are not taken as none: the run stops.
    throw toWriteError(error, `the PeerAuthentications of ${namespace}`);
  }
}

/**
 * The STRICT policy in force for the namespace's workloads, if any: a namespace-wide
 * PeerAuthentication of the namespace, else (when it sets no mode of its own) the
 * mesh-wide one in the root namespace.
 */
async function strictPolicyInForce(
  client: ClusterClient,
  namespace: string,
  options: { namespaceExists: boolean; rootNamespace: string },
): Promise<string | undefined> {
  if (options.namespaceExists) {
    const own = await namespaceWidePolicies(client, namespace);
    const strict = own.find(pa => modeOf(pa) === STRICT);
    if (strict)
      return `PeerAuthentication ${namespace}/${strict.metadata?.name}`;
    // The namespace already sets a weaker mode of its own: nothing is lowered.
    if (own.some(pa => modeOf(pa) !== 'UNSET')) return undefined;
  }
  const mesh = (
    await namespaceWidePolicies(client, options.rootNamespace)
  ).find(pa => modeOf(pa) === STRICT);
  return mesh
    ? `the mesh-wide PeerAuthentication ${options.rootNamespace}/${mesh.metadata?.name}`
    : undefined;
}

/**
 * Refuses to write a PeerAuthentication weaker than the STRICT policy in force for
 * the namespace unless `allowWeakerMtls` says it is meant; answers a note when it is.
 * Nothing is read when the run writes STRICT or no PeerAuthentication (the action
 * never deletes one).
 *
 * @throws InputError naming the policy in force and the mode the run would write.
 */
export async function assertMtlsNotLowered(
  client: ClusterClient,
  objects: MeshNamespaceObjects,
  options: {
    namespaceExists: boolean;
    rootNamespace: string;
    allowWeakerMtls: boolean;
  },
): Promise<string | undefined> {
  const planned = objects.namespaced.find(o => o.kind === 'PeerAuthentication');
  const mode = (planned?.spec as PeerAuthentication['spec'])?.mtls?.mode;
  if (!planned || mode === STRICT) return undefined;
  const namespace = objects.namespace.metadata.name;
  const strict = await strictPolicyInForce(client, namespace, options);
  if (!strict) return undefined;
  const change = `${strict} is STRICT and this run would write PeerAuthentication ${namespace}/${planned.metadata.name} with mode ${mode}`;
  if (!options.allowWeakerMtls)
    throw new InputError(
      `Refusing to lower mutual TLS in namespace '${namespace}': ${change}; set allowWeakerMtls: true to do it on purpose`,
    );
  return `Mutual TLS lowered on purpose (allowWeakerMtls): ${change}.`;
}
