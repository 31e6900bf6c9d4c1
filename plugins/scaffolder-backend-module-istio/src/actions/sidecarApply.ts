import type {
  AuthService,
  BackstageCredentials,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { JsonObject } from '@backstage/types';
import {
  CLUSTER_NAME_PATTERN,
  DNS1123_LABEL,
  SIDECAR_EGRESS_HOST,
  type IstioSidecarApplyRequest,
  type IstioSidecarApplyResult,
  type IstioSidecarApplyStaleBody,
} from '@istio-backstage/plugin-istio-common';
import { actionSchema } from './actionSchema';
import { examples } from './sidecarApply.examples';

/**
 * What the action needs from the backend: where the Istio plugin is, and tokens to call it.
 *
 * @public
 */
export interface SidecarApplyActionOptions {
  discovery: DiscoveryService;
  auth: AuthService;
}

// The backend's checks are the real ones; these only make the form and engine fail early.
const inputSchema = actionSchema({
  entityRef: z =>
    z
      .string()
      .min(3)
      .max(300)
      .describe(
        'Entity whose workloads get the Sidecar, e.g. component:default/productpage',
      ),
  cluster: z =>
    z.string().regex(CLUSTER_NAME_PATTERN).describe('Configured cluster name'),
  namespace: z =>
    z.string().regex(DNS1123_LABEL).describe('Namespace of the workloads'),
  extraHosts: z =>
    z
      .array(z.string().regex(SIDECAR_EGRESS_HOST))
      .max(20)
      .optional()
      .describe('Egress hosts (namespace/host) to add to the recommendation'),
  dryRun: z =>
    z
      .boolean()
      .optional()
      .describe(
        'Only show what would change (default false; always true in a template dry run)',
      ),
});

const outputSchema = actionSchema({
  cluster: z => z.string(),
  namespace: z => z.string(),
  dryRun: z => z.boolean(),
  changes: z =>
    z
      .array(
        z.object({
          name: z.string(),
          namespace: z.string(),
          action: z.enum(['created', 'configured', 'unchanged']),
          hostsBefore: z.array(z.string()).optional(),
          hostsAfter: z.array(z.string()),
        }),
      )
      .describe('Each Sidecar and what the apply changes'),
  yaml: z =>
    z.string().describe('The Sidecars as the API server returned them'),
});

/**
 * Calls the Istio backend's `POST /sidecars` with the initiator's identity, so the
 * backend decides (permission, validation, conflicts), not this action.
 */
async function postSidecarApply(
  options: SidecarApplyActionOptions,
  body: IstioSidecarApplyRequest,
  caller: { credentials: BackstageCredentials; signal?: AbortSignal },
): Promise<IstioSidecarApplyResult> {
  const baseUrl = await options.discovery.getBaseUrl('istio');
  const { token } = await options.auth.getPluginRequestToken({
    onBehalfOf: caller.credentials,
    targetPluginId: 'istio',
  });
  const response = await fetch(`${baseUrl}/sidecars`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
    },
    body: JSON.stringify(body),
    signal: caller.signal,
    redirect: 'error',
  });
  if (!response.ok) {
    const error = await ResponseError.fromResponse(response);
    // Keep the backend's own message (who may not apply, which manager conflicts,
    // what the webhook said) rather than only the status line.
    error.message = `${error.message}: ${error.cause.message}`;
    throw error;
  }
  return (await response.json()) as IstioSidecarApplyResult;
}

/** One log line per Sidecar: what the apply did (or would do) and its egress hosts. */
function logChanges(logger: LoggerService, result: IstioSidecarApplyResult) {
  for (const change of result.changes) {
    logger.info(
      `Sidecar ${change.namespace}/${change.name}: ${change.action}${
        result.dryRun ? ' (dry run)' : ''
      } — egress ${change.hostsAfter.join(', ')}`,
    );
  }
}

/** The backend's dry run of what would be written now, when it refused a stale apply. */
function staleCurrent(error: unknown): IstioSidecarApplyResult | undefined {
  if (!(error instanceof ResponseError) || error.statusCode !== 409)
    return undefined;
  return (error.body as Partial<IstioSidecarApplyStaleBody>).current;
}

/**
 * A real apply: a dry run first (logged), then the apply of exactly what it showed,
 * sent with its `digest`. When what would be written changed in between, the backend
 * answers 409 and writes nothing; the task fails with its message, after logging what
 * a new run would write.
 */
async function applyWhatTheDryRunShowed(
  options: SidecarApplyActionOptions,
  body: IstioSidecarApplyRequest,
  caller: Parameters<typeof postSidecarApply>[2],
  logger: LoggerService,
): Promise<IstioSidecarApplyResult> {
  const preview = await postSidecarApply(
    options,
    { ...body, dryRun: true },
    caller,
  );
  logChanges(logger, preview);
  if (!preview.digest)
    throw new Error(
      'The Istio backend answered the dry run without a digest, which a real apply must send back; is the Istio backend up to date?',
    );
  try {
    return await postSidecarApply(
      options,
      { ...body, dryRun: false, digest: preview.digest },
      caller,
    );
  } catch (error) {
    const current = staleCurrent(error);
    if (current) {
      logger.warn(
        'What would be written changed since the dry run, so nothing was written; running the task again applies this:',
      );
      logChanges(logger, current);
    }
    throw error;
  }
}

/**
 * `istio:sidecar:apply` — applies the recommended `Sidecar` for an entity by calling the
 * Istio backend's `POST /api/istio/sidecars` on behalf of the user who runs the task,
 * so the same permission (entity ownership), validation, dry run, server-side apply,
 * conflict handling and audit apply as in the entity page. A real apply is a dry run
 * and then the apply of exactly that dry run (its `digest`), so what is written is
 * what the task log shows.
 *
 * @public
 */
export function createSidecarApplyAction(options: SidecarApplyActionOptions) {
  return createTemplateAction({
    id: 'istio:sidecar:apply',
    description:
      "Applies the recommended Istio Sidecar for an entity's workloads through the Istio backend, as the user running the task.",
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const dryRun = ctx.isDryRun === true || ctx.input.dryRun === true;
      const body: IstioSidecarApplyRequest = {
        entityRef: ctx.input.entityRef,
        cluster: ctx.input.cluster,
        namespace: ctx.input.namespace,
        dryRun,
        ...(ctx.input.extraHosts?.length
          ? { extraHosts: ctx.input.extraHosts }
          : {}),
      };
      const caller = async () => ({
        credentials: await ctx.getInitiatorCredentials(),
        signal: ctx.signal,
      });

      ctx.logger.info(
        `${
          dryRun ? 'Dry run: applying' : 'Applying'
        } the recommended Sidecar for ${body.entityRef} in ${body.cluster}/${
          body.namespace
        }`,
      );
      const result = dryRun
        ? await postSidecarApply(options, body, await caller())
        : // A resumed task does not apply twice.
          ((await ctx.checkpoint({
            key: `istio-sidecar-apply.${body.cluster}.${body.namespace}.${body.entityRef}`,
            fn: async () =>
              (await applyWhatTheDryRunShowed(
                options,
                body,
                await caller(),
                ctx.logger,
              )) as unknown as JsonObject,
          })) as unknown as IstioSidecarApplyResult);

      logChanges(ctx.logger, result);
      ctx.output('cluster', result.cluster);
      ctx.output('namespace', result.namespace);
      ctx.output('dryRun', result.dryRun);
      ctx.output('changes', result.changes);
      ctx.output('yaml', result.yaml);
    },
  });
}
