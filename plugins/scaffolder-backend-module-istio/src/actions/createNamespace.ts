import type {
  AuditorService,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { istioNamespaceCreatePermission } from '@istio-backstage/plugin-istio-common';
import type { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import {
  CLUSTER_NAME,
  DATA_PLANE_MODES,
  DNS_1123_LABEL,
  EGRESS_HOST,
  LABEL_VALUE,
  MTLS_MODES,
  applyMeshNamespace,
  buildMeshNamespaceObjects,
  validateMeshNamespaceInput,
  type AppliedObject,
} from '../lib/namespace';
import { examples } from './createNamespace.examples';

/** What the action needs from the backend. @public */
export interface MeshNamespaceActionOptions {
  /** The configured clusters (`readClusterConfigs` + `ClusterAccess` from istio-node). */
  clusters: ClusterAccess;
  permissions: PermissionsService;
  auditor: AuditorService;
  /**
   * Write as the task's initiator (`Impersonate-User`), so the cluster's RBAC
   * decides too (`istio.apply.impersonateUser`).
   */
  impersonateUser?: boolean;
}

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
 * `istio:namespace:create` — creates a namespace that is in the mesh from the start:
 * the Namespace with its data-plane label (`istio-injection=enabled`, `istio.io/rev`
 * or ambient), a default `Sidecar` scoped to `./*` and the control plane, and
 * optionally a `Telemetry` with a tracing sampling rate and a `PeerAuthentication`.
 *
 * Uses the configured cluster credentials, checks `istio.namespace.create` for the
 * task's initiator before any cluster call, dry-runs every object before writing it,
 * and audits every write. Idempotent: a namespace it created before is applied again
 * (unchanged when nothing differs); anyone else's namespace is refused with a conflict.
 *
 * @public
 */
export function createMeshNamespaceAction(options: MeshNamespaceActionOptions) {
  const { clusters, permissions, auditor } = options;
  return createTemplateAction({
    id: 'istio:namespace:create',
    description:
      'Creates an Istio mesh namespace: injection or ambient label, default Sidecar, optional tracing Telemetry and mTLS PeerAuthentication.',
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        cluster: z =>
          z
            .string()
            .regex(CLUSTER_NAME)
            .describe('Name of a configured cluster'),
        namespace: z =>
          z
            .string()
            .max(63)
            .regex(DNS_1123_LABEL)
            .describe('Namespace to create (a DNS-1123 label)'),
        owner: z =>
          z
            .string()
            .max(253)
            .optional()
            .describe(
              'Catalog entity ref of the owner, recorded on the namespace',
            ),
        dataPlaneMode: z =>
          z
            .enum(DATA_PLANE_MODES)
            .optional()
            .describe('sidecar (default) or ambient'),
        revision: z =>
          z
            .string()
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
            .regex(DNS_1123_LABEL)
            .optional()
            .describe("istiod's namespace (default istio-system)"),
        extraEgressHosts: z =>
          z
            .array(z.string().max(253).regex(EGRESS_HOST))
            .max(20)
            .optional()
            .describe(
              'More namespace/host egress hosts for the default Sidecar, e.g. the tracing collector',
            ),
      },
      output: {
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
      },
    },
    async handler(ctx) {
      // Everything below the validation may touch the cluster; nothing above does.
      const request = validateMeshNamespaceInput(ctx.input);
      const client = clusters.get(request.cluster);
      const credentials = await ctx.getInitiatorCredentials();
      const [decision] = await permissions.authorize(
        [{ permission: istioNamespaceCreatePermission }],
        { credentials },
      );
      if (decision.result !== AuthorizeResult.ALLOW)
        throw new NotAllowedError(
          `Not allowed to create mesh namespaces (${istioNamespaceCreatePermission.name})`,
        );
      const initiator = principalOf(credentials);
      const user = initiator.name;
      let impersonateUser: string | undefined;
      if (options.impersonateUser) {
        if (!initiator.isUser)
          throw new NotAllowedError(
            'Writes impersonate the user, but this task was not started by a user',
          );
        impersonateUser = user;
      }

      const dryRun = ctx.isDryRun === true;
      const objects = buildMeshNamespaceObjects(request);
      const written: AppliedObject[] = [];
      const event = await auditor.createEvent({
        eventId: 'namespace-create',
        severityLevel: dryRun ? 'low' : 'medium',
        meta: {
          user,
          cluster: request.cluster,
          namespace: request.namespace,
          objects: [objects.namespace, ...objects.namespaced].map(
            o => `${o.kind}/${o.metadata.name}`,
          ),
          dryRun,
          taskId: ctx.task.id,
        },
      });
      let result: Awaited<ReturnType<typeof applyMeshNamespace>>;
      try {
        result = await applyMeshNamespace({
          client,
          objects,
          dryRun,
          impersonateUser,
          checkpoint: (key, fn) => ctx.checkpoint({ key, fn }),
          signal: ctx.signal,
          logger: ctx.logger,
          onApplied: entry => written.push(entry),
        });
      } catch (error) {
        await event.fail({
          error: error as Error,
          meta: {
            written: dryRun
              ? []
              : written.map(w => `${w.kind}/${w.name}:${w.action}`),
          },
        });
        throw error;
      }
      await event.success({
        meta: {
          result: result.objects.map(o => `${o.kind}/${o.name}:${o.action}`),
        },
      });

      for (const o of result.objects)
        ctx.logger.info(
          `${dryRun ? '[dry run] ' : ''}${o.kind} ${o.name}: ${o.action}`,
        );
      for (const note of result.notes) ctx.logger.info(note);
      ctx.output('cluster', request.cluster);
      ctx.output('namespace', request.namespace);
      ctx.output('dryRun', dryRun);
      ctx.output('objects', result.objects);
      ctx.output('notes', result.notes);
    },
  });
}
