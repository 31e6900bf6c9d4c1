import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';

/** A Kubernetes namespace name (RFC 1123 label, at most 63 characters). */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A configured cluster name, as `readClusterConfigs` accepts it: never a URL or a path. */
export const CLUSTER_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A non-empty Kubernetes label value (the `istio.io/rev` label holds the revision). */
export const LABEL_VALUE = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** A Sidecar egress host `namespace/dnsName` (`*`, `.` or `~` as namespace). */
export const EGRESS_HOST =
  /^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?|\*|\.|~)\/(\*|(\*\.)?[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)$/;

/** Data-plane modes a mesh namespace can be created in. */
export const DATA_PLANE_MODES = ['sidecar', 'ambient'] as const;

/** Mutual TLS modes of the namespace's default PeerAuthentication. */
export const MTLS_MODES = ['STRICT', 'PERMISSIVE'] as const;

/** What `istio:namespace:create` is asked for, as it arrives (not yet trusted). */
export interface MeshNamespaceInput {
  cluster: string;
  namespace: string;
  owner?: string;
  dataPlaneMode?: string;
  revision?: string;
  tracingSampling?: number;
  mtls?: string;
  defaultSidecar?: boolean;
  controlPlaneNamespace?: string;
  extraEgressHosts?: string[];
}

/** A checked request: every name and value is safe to put in a Kubernetes object. */
export interface MeshNamespaceRequest {
  cluster: string;
  namespace: string;
  /** Full entity ref of the owner, e.g. `group:default/team-a`. */
  owner?: string;
  dataPlaneMode: (typeof DATA_PLANE_MODES)[number];
  revision?: string;
  tracingSampling?: number;
  mtls?: (typeof MTLS_MODES)[number];
  defaultSidecar: boolean;
  controlPlaneNamespace: string;
  extraEgressHosts: string[];
}

const MAX_EXTRA_HOSTS = 20;

function isOneOf<T extends string>(
  values: readonly T[],
  value: unknown,
): value is T {
  return (
    typeof value === 'string' && (values as readonly string[]).includes(value)
  );
}

/**
 * Checks the action's input before anything touches a cluster. The scaffolder also
 * validates the input against the action's JSON schema, but a handler must not rely
 * on it (tests, other callers), and some rules span fields.
 *
 * @throws InputError naming every problem found.
 */
export function validateMeshNamespaceInput(
  input: MeshNamespaceInput,
): MeshNamespaceRequest {
  const problems: string[] = [];
  const {
    cluster,
    namespace,
    owner,
    dataPlaneMode = 'sidecar',
    revision,
    tracingSampling,
    mtls,
    defaultSidecar = true,
    controlPlaneNamespace = 'istio-system',
    extraEgressHosts = [],
  } = input;

  if (typeof cluster !== 'string' || !CLUSTER_NAME.test(cluster))
    problems.push('cluster must be the name of a configured cluster');
  if (typeof namespace !== 'string' || !DNS_1123_LABEL.test(namespace)) {
    problems.push(
      `namespace '${String(namespace).slice(
        0,
        80,
      )}' is not a valid name: use at most 63 lower case letters, digits and '-', starting and ending with a letter or digit`,
    );
  } else if (namespace.startsWith('kube-')) {
    problems.push(`namespace '${namespace}': the prefix 'kube-' is reserved`);
  }
  if (!isOneOf(DATA_PLANE_MODES, dataPlaneMode))
    problems.push(
      `dataPlaneMode must be one of ${DATA_PLANE_MODES.join(', ')}`,
    );
  if (revision !== undefined) {
    if (typeof revision !== 'string' || !LABEL_VALUE.test(revision))
      problems.push('revision must be a valid label value, e.g. 1-28-1');
    else if (dataPlaneMode === 'ambient')
      // A namespace with istio.io/rev is treated as a sidecar namespace (not ambient).
      problems.push(
        'revision selects sidecar injection and cannot be combined with ambient mode',
      );
  }
  if (
    tracingSampling !== undefined &&
    (typeof tracingSampling !== 'number' ||
      !Number.isFinite(tracingSampling) ||
      tracingSampling < 0 ||
      tracingSampling > 100)
  )
    problems.push('tracingSampling must be a percentage from 0 to 100');
  if (mtls !== undefined && !isOneOf(MTLS_MODES, mtls))
    problems.push(`mtls must be one of ${MTLS_MODES.join(', ')}`);
  if (typeof defaultSidecar !== 'boolean')
    problems.push('defaultSidecar must be true or false');
  if (
    typeof controlPlaneNamespace !== 'string' ||
    !DNS_1123_LABEL.test(controlPlaneNamespace)
  )
    problems.push('controlPlaneNamespace must be a namespace name');
  if (!Array.isArray(extraEgressHosts)) {
    problems.push('extraEgressHosts must be a list');
  } else {
    if (extraEgressHosts.length > MAX_EXTRA_HOSTS)
      problems.push(`at most ${MAX_EXTRA_HOSTS} extraEgressHosts are allowed`);
    for (const host of extraEgressHosts) {
      if (
        typeof host !== 'string' ||
        host.length > 253 ||
        !EGRESS_HOST.test(host)
      )
        problems.push(
          `extra egress host '${String(host).slice(
            0,
            80,
          )}' is not of the form namespace/host`,
        );
    }
  }
  let ownerRef: string | undefined;
  if (owner !== undefined) {
    try {
      if (typeof owner !== 'string' || owner.length > 253)
        throw new Error('too long');
      ownerRef = stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      );
    } catch {
      problems.push(
        'owner must be an entity reference, e.g. group:default/team-a',
      );
    }
  }

  if (problems.length > 0) throw new InputError(problems.join('; '));
  return {
    cluster,
    namespace,
    ...(ownerRef ? { owner: ownerRef } : {}),
    dataPlaneMode: dataPlaneMode as MeshNamespaceRequest['dataPlaneMode'],
    ...(revision !== undefined ? { revision } : {}),
    ...(tracingSampling !== undefined ? { tracingSampling } : {}),
    ...(mtls !== undefined
      ? { mtls: mtls as MeshNamespaceRequest['mtls'] }
      : {}),
    defaultSidecar,
    controlPlaneNamespace,
    extraEgressHosts: [...new Set(extraEgressHosts)],
  };
}
