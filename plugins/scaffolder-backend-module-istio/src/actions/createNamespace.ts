import {
  describeRevisionChoice,
  readClusterRevisions,
} from '../lib/namespace/clusterRevisions';
import { userKubernetesAuthOf } from '../lib/clusters/userKubernetesAuth';
import type {
  AuditorService,
  BackstageCredentials,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CLUSTER_NAME_PATTERN,
  DNS1123_LABEL,
  istioNamespaceCreatePermission,
  LABEL_VALUE,
  SIDECAR_EGRESS_HOST,
} from '@istio-backstage/plugin-istio-common';
import type {
  ClusterAccess,
  ClusterClient,
  NamespaceOwnerRules,
} from '@istio-backstage/plugin-istio-node';
import {
  DATA_PLANE_MODES,
  MTLS_MODES,
  applyMeshNamespace,
  buildMeshNamespaceObjects,
  validateMeshNamespaceInput,
  type AppliedObject,
  type MeshNamespaceRequest,
  type NamespaceCaller,
} from '../lib/namespace';
import { actionSchema } from './actionSchema';
import { examples } from './createNamespace.examples';

/** What the action needs from the backend. @public */
export interface MeshNamespaceActionOptions {
  /** The configured clusters (`readClusterConfigs` + `ClusterAccess` from istio-node). */
  clusters: ClusterAccess;
  permissions: PermissionsService;
  auditor: AuditorService;
  /** The initiator's groups: only a namespace's owners (or platform groups) run the action on it again. */
  userInfo: UserInfoService;
  /** `istio.apply.namespaceOwners` and `istio.apply.platformGroups` (`NamespaceOwnerRules.fromConfig`). */
  ownerRules: NamespaceOwnerRules;
  /**
   * Write as the task's initiator (`Impersonate-User`), so the cluster's RBAC
   * decides too (`istio.apply.impersonateUser`).
   */
  impersonateUser?: boolean;
}

const inputSchema = actionSchema({
  cluster: z =>
    z
      .string()
      .regex(CLUSTER_NAME_PATTERN)
      .describe('Name of a configured cluster'),
  namespace: z =>
    z
      .string()
      .max(63)
      .regex(DNS1123_LABEL)
      .describe('Namespace to create (a DNS-1123 label)'),
  owner: z =>
    z
      .string()
      .max(253)
      .optional()
      .describe('Catalog entity ref of the owner, recorded on the namespace'),
  dataPlaneMode: z =>
    z
      .enum(DATA_PLANE_MODES)
      .optional()
      .describe('sidecar (default) or ambient'),
  revision: z =>
    z
      .string()
      // A revision names a control plane: a label value, but never an empty one.
      .min(1)
      .regex(LABEL_VALUE)
      .optional()
      .describe(
        'Control-plane revision: labels istio.io/rev instead of istio-injection',
      ),
  tracingSampling: z =>
    z
      .number()
      .min(0)
      .max(100)
      .optional()
      .describe(
        'Trace sampling percentage: adds a Telemetry with randomSamplingPercentage',
      ),
  mtls: z =>
    z
      .enum(MTLS_MODES)
      .optional()
      .describe('Adds a PeerAuthentication with this mutual TLS mode'),
  allowWeakerMtls: z =>
    z
      .boolean()
      .optional()
      .describe(
        "Allow mtls to replace a STRICT policy in force (the namespace's, else the mesh-wide one) with a weaker mode; without it such a run is refused (default false)",
      ),
  defaultSidecar: z =>
    z
      .boolean()
      .optional()
      .describe(
        'Add a default Sidecar limited to ./* and the control plane (default true)',
      ),
  controlPlaneNamespace: z =>
    z
      .string()
      .regex(DNS1123_LABEL)
      .optional()
      .describe("istiod's namespace (default istio-system)"),
  extraEgressHosts: z =>
    z
      .array(z.string().regex(SIDECAR_EGRESS_HOST))
      .max(20)
      .optional()
      .describe(
        'More namespace/host egress hosts for the default Sidecar, e.g. the tracing collector',
      ),
});

const outputSchema = actionSchema({
  cluster: z => z.string(),
  namespace: z => z.string(),
  dryRun: z => z.boolean().describe('True when nothing was written'),
  objects: z =>
    z
      .array(
        z.object({
          kind: z.string(),
          name: z.string(),
          namespace: z.string().optional(),
          action: z.enum(['created', 'configured', 'unchanged']),
          checkedByCluster: z.boolean(),
        }),
      )
      .describe('Each object and what applying it did (or would do)'),
  notes: z => z.array(z.string()),
});

/** Who started the task, for the audit trail and impersonation. */
function principalOf(credentials: BackstageCredentials): {
  name: string;
  isUser: boolean;
} {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef)
    return { name: principal.userEntityRef, isUser: true };
  if (principal.type === 'service' && principal.subject)
    return { name: principal.subject, isUser: false };
  return { name: principal.type ?? 'unknown', isUser: false };
}

/**
 * Who writes: the initiator's name for the audit, the user to impersonate, if any,
 * and who they are to the owners of an existing namespace.
 */
interface Writer {
  user: string;
  impersonateUser?: string;
  caller: NamespaceCaller;
}

/** The initiator's ownership refs, asked only when needed; a service owns nothing. */
function callerOf(
  options: MeshNamespaceActionOptions,
  credentials: BackstageCredentials,
  isUser: boolean,
): NamespaceCaller {
  return {
    rules: options.ownerRules,
    ownershipEntityRefs: async () =>
      isUser
        ? (await options.userInfo.getUserInfo(credentials)).ownershipEntityRefs
        : [],
  };
}

/**
 * Checks `istio.namespace.create` for the task's initiator, before any cluster call,
 * and decides whom the writes impersonate.
 */
async function authorizeWriter(
  options: MeshNamespaceActionOptions,
  credentials: BackstageCredentials,
): Promise<Writer> {
  const [decision] = await options.permissions.authorize(
    [{ permission: istioNamespaceCreatePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW)
    throw new NotAllowedError(
      `Not allowed to create mesh namespaces (${istioNamespaceCreatePermission.name})`,
    );
  const initiator = principalOf(credentials);
  const caller = callerOf(options, credentials, initiator.isUser);
  if (!options.impersonateUser) return { user: initiator.name, caller };
  if (!initiator.isUser)
    throw new NotAllowedError(
      'Writes impersonate the user, but this task was not started by a user',
    );
  return { user: initiator.name, impersonateUser: initiator.name, caller };
}

type ApplyResult = Awaited<ReturnType<typeof applyMeshNamespace>>;

/** One run's request, and what of the task its writes need: checkpoints, cancellation, log. */
interface NamespaceWrite {
  request: MeshNamespaceRequest;
  client: ClusterClient;
  writer: Writer;
  dryRun: boolean;
  taskId: string;
  checkpoint: Parameters<typeof applyMeshNamespace>[0]['checkpoint'];
  signal?: AbortSignal;
  logger: LoggerService;
}

/** `Kind/name:action`, for the audit trail. */
const describeApplied = (o: AppliedObject) => `${o.kind}/${o.name}:${o.action}`;

/**
 * Applies the namespace's objects inside one audit event: a failure records what was
 * already written, so the audit trail shows what a retry will find.
 */
async function auditedApply(
  auditor: AuditorService,
  write: NamespaceWrite,
): Promise<ApplyResult> {
  const { request, dryRun } = write;
  const objects = buildMeshNamespaceObjects(request);
  const event = await auditor.createEvent({
    eventId: 'namespace-create',
    severityLevel: dryRun ? 'low' : 'medium',
    meta: {
      user: write.writer.user,
      cluster: request.cluster,
      namespace: request.namespace,
      objects: [objects.namespace, ...objects.namespaced].map(
        o => `${o.kind}/${o.metadata.name}`,
      ),
      dryRun,
      allowWeakerMtls: request.allowWeakerMtls,
      taskId: write.taskId,
    },
  });
  const written: AppliedObject[] = [];
  let result: ApplyResult;
  try {
    result = await applyMeshNamespace({
      client: write.client,
      objects,
      dryRun,
      impersonateUser: write.writer.impersonateUser,
      checkpoint: write.checkpoint,
      signal: write.signal,
      logger: write.logger,
      caller: write.writer.caller,
      mtls: {
        rootNamespace: request.controlPlaneNamespace,
        allowWeakerMtls: request.allowWeakerMtls,
      },
      onApplied: entry => written.push(entry),
    });
  } catch (error) {
    await event.fail({
      error: error as Error,
      meta: {
        written: dryRun ? [] : written.map(describeApplied),
      },
    });
    throw error;
  }
  await event.success({
    meta: { result: result.objects.map(describeApplied) },
  });
  return result;
}

/** One log line per object and note, so the task log tells what happened. */
function logResult(
  logger: LoggerService,
  dryRun: boolean,
  result: ApplyResult,
) {
  for (const o of result.objects)
    logger.info(
      `${dryRun ? '[dry run] ' : ''}${o.kind} ${o.name}: ${o.action}`,
    );
  for (const note of result.notes) logger.info(note);
}

/**
 * `istio:namespace:create` — creates a namespace that is in the mesh from the start:
 * the Namespace with its data-plane label (`istio-injection=enabled`, `istio.io/rev`
 * or ambient), a default `Sidecar` scoped to `./*` and the control plane, and
 * optionally a `Telemetry` with a tracing sampling rate and a `PeerAuthentication`.
 *
 * Uses the configured cluster credentials, checks `istio.namespace.create` for the
 * task's initiator before any cluster call, dry-runs every object before writing it,
 * and audits every write. A new namespace is created (POST), so one that appears
 * meanwhile is refused, never adopted. Idempotent: a namespace it created before is
 * applied again (unchanged when nothing differs), but only for its owners or a
 * platform group; anyone else's namespace is refused with a conflict. A STRICT mTLS
 * policy in force is only weakened with `allowWeakerMtls`.
 *
 * @public
 */
export function createMeshNamespaceAction(options: MeshNamespaceActionOptions) {
  return createTemplateAction({
    id: 'istio:namespace:create',
    description:
      'Creates an Istio mesh namespace: injection or ambient label, default Sidecar, optional tracing Telemetry and mTLS PeerAuthentication.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      // Everything below the validation may touch the cluster; nothing above does.
      const request = validateMeshNamespaceInput(ctx.input);
      // For a cluster reached with the user's own token, the initiator's, from the
      // task's secrets.
      const client = options.clusters.get(
        request.cluster,
        userKubernetesAuthOf(ctx.secrets),
      );
      const writer = await authorizeWriter(
        options,
        await ctx.getInitiatorCredentials(),
      );
      const dryRun = ctx.isDryRun === true;
      // A revision or tag is checked against the cluster's control planes, live.
      const revisionNote = request.revision
        ? describeRevisionChoice(
            request.revision,
            await readClusterRevisions(client),
          )
        : undefined;
      const result = await auditedApply(options.auditor, {
        request,
        client,
        writer,
        dryRun,
        taskId: ctx.task.id,
        checkpoint: (key, fn) => ctx.checkpoint({ key, fn }),
        signal: ctx.signal,
        logger: ctx.logger,
      });
      if (revisionNote) result.notes.unshift(revisionNote);
      logResult(ctx.logger, dryRun, result);
      ctx.output('cluster', request.cluster);
      ctx.output('namespace', request.namespace);
      ctx.output('dryRun', dryRun);
      ctx.output('objects', result.objects);
      ctx.output('notes', result.notes);
    },
  });
}
