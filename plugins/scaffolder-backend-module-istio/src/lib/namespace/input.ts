import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  isClusterName,
  isDns1123Label,
  isLabelValue,
  isSidecarEgressHost,
} from '@istio-backstage/plugin-istio-common';

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
  allowWeakerMtls?: boolean;
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
  /** Whether the run may replace a STRICT mTLS policy in force with a weaker mode. */
  allowWeakerMtls: boolean;
}

const MAX_EXTRA_HOSTS = 20;

/** The input with the defaults of the optional settings applied. */
type DefaultedInput = ReturnType<typeof withDefaults>;

function withDefaults(input: MeshNamespaceInput) {
  const {
    dataPlaneMode = 'sidecar',
    defaultSidecar = true,
    controlPlaneNamespace = 'istio-system',
    extraEgressHosts = [],
    allowWeakerMtls = false,
    ...rest
  } = input;
  return {
    ...rest,
    dataPlaneMode,
    defaultSidecar,
    controlPlaneNamespace,
    extraEgressHosts,
    allowWeakerMtls,
  };
}

function isOneOf<T extends string>(
  values: readonly T[],
  value: unknown,
): value is T {
  return (
    typeof value === 'string' && (values as readonly string[]).includes(value)
  );
}

/** A value as it may appear in a message: cut short, whatever it is. */
const shown = (value: unknown) => String(value).slice(0, 80);

/** The cluster is configured by name and the namespace name is valid and not reserved. */
function targetProblems(cluster: unknown, namespace: unknown): string[] {
  const problems: string[] = [];
  if (!isClusterName(cluster))
    problems.push('cluster must be the name of a configured cluster');
  if (!isDns1123Label(namespace)) {
    problems.push(
      `namespace '${shown(
        namespace,
      )}' is not a valid name: use at most 63 lower case letters, digits and '-', starting and ending with a letter or digit`,
    );
  } else if (namespace.startsWith('kube-')) {
    problems.push(`namespace '${namespace}': the prefix 'kube-' is reserved`);
  }
  return problems;
}

/** The data-plane mode is known, and a revision label goes with sidecar mode only. */
function dataPlaneProblems(
  dataPlaneMode: unknown,
  revision: unknown,
): string[] {
  const problems: string[] = [];
  if (!isOneOf(DATA_PLANE_MODES, dataPlaneMode))
    problems.push(
      `dataPlaneMode must be one of ${DATA_PLANE_MODES.join(', ')}`,
    );
  if (revision === undefined) return problems;
  if (!isLabelValue(revision) || revision === '')
    problems.push('revision must be a valid label value, e.g. 1-28-1');
  else if (dataPlaneMode === 'ambient')
    // A namespace with istio.io/rev is treated as a sidecar namespace (not ambient).
    problems.push(
      'revision selects sidecar injection and cannot be combined with ambient mode',
    );
  return problems;
}

/** Tracing sampling, mTLS mode, default Sidecar and control-plane namespace. */
function settingProblems(input: DefaultedInput): string[] {
  const {
    tracingSampling,
    mtls,
    defaultSidecar,
    controlPlaneNamespace,
    allowWeakerMtls,
  } = input;
  const problems: string[] = [];
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
  if (typeof allowWeakerMtls !== 'boolean')
    problems.push('allowWeakerMtls must be true or false');
  if (!isDns1123Label(controlPlaneNamespace))
    problems.push('controlPlaneNamespace must be a namespace name');
  return problems;
}

/** At most {@link MAX_EXTRA_HOSTS} hosts, each `namespace/host`. */
function egressHostProblems(hosts: unknown): string[] {
  if (!Array.isArray(hosts)) return ['extraEgressHosts must be a list'];
  const problems: string[] = [];
  if (hosts.length > MAX_EXTRA_HOSTS)
    problems.push(`at most ${MAX_EXTRA_HOSTS} extraEgressHosts are allowed`);
  for (const host of hosts) {
    if (!isSidecarEgressHost(host))
      problems.push(
        `extra egress host '${shown(host)}' is not of the form namespace/host`,
      );
  }
  return problems;
}

/** The owner as a full entity ref (a bare name is a group in `default`). */
function parseOwner(owner: unknown): { ref?: string; problem?: string } {
  if (owner === undefined) return {};
  try {
    if (typeof owner !== 'string' || owner.length > 253)
      throw new Error('too long');
    return {
      ref: stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ),
    };
  } catch {
    return {
      problem: 'owner must be an entity reference, e.g. group:default/team-a',
    };
  }
}

/** The checked request, with only the optional settings that were given. */
function toRequest(
  input: DefaultedInput,
  ownerRef: string | undefined,
): MeshNamespaceRequest {
  const { revision, tracingSampling, mtls } = input;
  return {
    cluster: input.cluster,
    namespace: input.namespace,
    ...(ownerRef ? { owner: ownerRef } : {}),
    dataPlaneMode: input.dataPlaneMode as MeshNamespaceRequest['dataPlaneMode'],
    ...(revision !== undefined ? { revision } : {}),
    ...(tracingSampling !== undefined ? { tracingSampling } : {}),
    ...(mtls !== undefined
      ? { mtls: mtls as MeshNamespaceRequest['mtls'] }
      : {}),
    defaultSidecar: input.defaultSidecar,
    controlPlaneNamespace: input.controlPlaneNamespace,
    extraEgressHosts: [...new Set(input.extraEgressHosts)],
    allowWeakerMtls: input.allowWeakerMtls,
  };
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
  const defaulted = withDefaults(input);
  const owner = parseOwner(defaulted.owner);
  const problems = [
    ...targetProblems(defaulted.cluster, defaulted.namespace),
    ...dataPlaneProblems(defaulted.dataPlaneMode, defaulted.revision),
    ...settingProblems(defaulted),
    ...egressHostProblems(defaulted.extraEgressHosts),
    ...(owner.problem ? [owner.problem] : []),
  ];
  if (problems.length > 0) throw new InputError(problems.join('; '));
  return toRequest(defaulted, owner.ref);
}
