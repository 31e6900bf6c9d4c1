import { userKubernetesAuthOf } from '../lib/clusters/userKubernetesAuth';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  CLUSTER_NAME_PATTERN,
  supportVerdict,
  type IstioSupportMatrix,
  type SupportVerdict,
} from '@istio-backstage/plugin-istio-common';
import { ClusterAccess } from '@istio-backstage/plugin-istio-node';
import {
  CONTROL_PLANE_NAMESPACE,
  readClusterVersions,
  type ClusterIstioVersions,
} from '../lib/clusterVersions';
import { actionSchema } from './actionSchema';
import { examples } from './checkVersion.examples';

/** What `istio:version:check` needs from the backend. @public */
export interface CheckVersionActionOptions {
  /** The date support verdicts are for (end of life); now unless told. */
  now?: () => Date;
  /**
   * The configured clusters (`readClusterConfigs` + `ClusterAccess` from istio-node),
   * for reading a cluster's versions; none unless given.
   */
  clusters?: ClusterAccess;
  /**
   * The support matrix: the built-in one merged with `istio.supportMatrix`
   * (`mergeSupportMatrix`); the built-in one unless given.
   */
  supportMatrix?: IstioSupportMatrix;
}

const inputSchema = actionSchema({
  istioVersion: z =>
    z.string().min(1).max(64).describe('Istio version, for example 1.30.1'),
  kubernetesVersion: z =>
    z
      .string()
      .max(64)
      .optional()
      .describe(
        'Kubernetes version, for example v1.33.2; when empty it is read from `cluster`',
      ),
  cluster: z =>
    z
      .union([z.literal(''), z.string().regex(CLUSTER_NAME_PATTERN)])
      .optional()
      .describe(
        'Name of a configured cluster to read the Kubernetes version from (never a URL)',
      ),
  failIfUnsupported: z =>
    z
      .boolean()
      .default(true)
      .describe(
        "Fail the task when the pair is unsupported (a likely end of life, verdict 'check', only warns)",
      )
      .optional(),
});

const outputSchema = actionSchema({
  verdict: z =>
    z
      .enum(['supported', 'check', 'unsupported', 'unknown'])
      .describe(
        "'check': likely end of life — check (an estimated end of life has passed)",
      ),
  reasons: z => z.array(z.string()),
  endOfLife: z =>
    z
      .string()
      .optional()
      .describe('Last supported day of the release (ISO date)'),
  endOfLifeExpected: z =>
    z
      .boolean()
      .optional()
      .describe('True when endOfLife is an estimate, not announced by Istio'),
  matrixAsOf: z =>
    z
      .string()
      .describe(
        "The day the plugin's support matrix was checked against istio.io",
      ),
  kubernetesTested: z =>
    z
      .string()
      .optional()
      .describe('Kubernetes range Istio tests this release on'),
  kubernetesVersion: z =>
    z.string().describe('The Kubernetes version that was checked'),
  kubernetesVersionSource: z =>
    z
      .enum(['input', 'cluster'])
      .describe('Whether the Kubernetes version was given or read'),
  clusterIstio: z =>
    z
      .object({
        versions: z.array(z.string()),
        unknownReason: z.string().optional(),
      })
      .optional()
      .describe(
        `Istio versions of the istiod Deployments in ${CONTROL_PLANE_NAMESPACE} (one per revision), when the cluster was read; empty without unknownReason when there is none`,
      ),
});

/** The Kubernetes version to check, and where it came from. */
interface KubernetesVersionSource {
  kubernetesVersion: string;
  source: 'input' | 'cluster';
  /** The cluster's istiod versions, when the cluster was read. */
  clusterIstio?: ClusterIstioVersions;
}

/**
 * The Kubernetes version given, or else the one read from the named cluster's API
 * server (with its istiod versions, best effort).
 */
async function kubernetesVersionOf(
  input: { kubernetesVersion?: string; cluster?: string },
  clusters: ClusterAccess,
  context: {
    signal?: AbortSignal;
    logger: LoggerService;
    secrets?: Record<string, string>;
  },
): Promise<KubernetesVersionSource> {
  // The form sends empty strings for fields left blank.
  const givenVersion = input.kubernetesVersion || undefined;
  const clusterName = input.cluster || undefined;
  if (givenVersion) return { kubernetesVersion: givenVersion, source: 'input' };
  if (!clusterName)
    throw new InputError(
      'Give a kubernetesVersion, or a cluster to read it from',
    );
  const client = clusters.get(
    clusterName,
    userKubernetesAuthOf(context.secrets),
  );
  context.signal?.throwIfAborted();
  const read = await readClusterVersions(client);
  context.logger.info(
    `Cluster ${clusterName} runs Kubernetes ${
      read.kubernetesVersion
    }; ${describeIstio(read.istio)}`,
  );
  return {
    kubernetesVersion: read.kubernetesVersion,
    source: 'cluster',
    clusterIstio: read.istio,
  };
}

/**
 * `istio:version:check` — the version check before an install: is this Istio release
 * supported on this Kubernetes version? Fails the task when it is not (unless told
 * otherwise), so a template never renders an install config that istioctl would
 * refuse or that runs an end-of-life mesh.
 *
 * Without a `kubernetesVersion` it reads the version of a configured `cluster` from
 * its API server (and, best effort, the Istio version its istiod runs). It only
 * reads, so it runs in dry runs too.
 *
 * @public
 */
export function createCheckVersionAction(
  options: CheckVersionActionOptions = {},
) {
  const now = options.now ?? (() => new Date());
  const clusters = options.clusters ?? new ClusterAccess([]);
  return createTemplateAction({
    id: 'istio:version:check',
    description:
      "Checks an Istio version against a Kubernetes version (given, or read from a configured cluster) with Istio's support matrix.",
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const { istioVersion, failIfUnsupported = true } = ctx.input;
      const { kubernetesVersion, source, clusterIstio } =
        await kubernetesVersionOf(ctx.input, clusters, ctx);
      const result = supportVerdict({
        istioVersion,
        kubernetesVersion,
        now: now(),
        matrix: options.supportMatrix,
      });
      logVerdict(
        ctx.logger,
        result,
        `Istio ${istioVersion} on Kubernetes ${kubernetesVersion}`,
      );
      ctx.output('verdict', result.verdict);
      ctx.output('reasons', result.reasons);
      ctx.output('matrixAsOf', result.matrixAsOf);
      ctx.output('kubernetesVersion', kubernetesVersion);
      ctx.output('kubernetesVersionSource', source);
      if (clusterIstio) ctx.output('clusterIstio', clusterIstio);
      if (result.release) {
        ctx.output(
          'kubernetesTested',
          result.release.kubernetesTested.join('–'),
        );
        ctx.output('endOfLife', result.release.endOfLife);
        ctx.output('endOfLifeExpected', !!result.release.endOfLifeExpected);
      }
      if (failIfUnsupported && result.verdict === 'unsupported')
        throw new InputError(
          `Istio ${istioVersion} is not supported on Kubernetes ${kubernetesVersion}: ${result.reasons.join(
            '; ',
          )}`,
        );
    },
  });
}

/**
 * Logs the verdict with its reasons; a likely end of life (`check`) is a warning, since
 * it does not fail the task.
 */
function logVerdict(
  logger: LoggerService,
  result: SupportVerdict,
  subject: string,
) {
  const reasons = result.reasons.length
    ? ` (${result.reasons.join('; ')})`
    : '';
  const line = `${subject}: ${result.verdict}${reasons}; support matrix as of ${result.matrixAsOf}`;
  if (result.verdict === 'check') logger.warn(line);
  else logger.info(line);
}

function describeIstio(istio: ClusterIstioVersions): string {
  if (istio.unknownReason)
    return `its Istio version is unknown (${istio.unknownReason})`;
  if (istio.versions.length === 0)
    return `no istiod Deployment in ${CONTROL_PLANE_NAMESPACE}`;
  return `istiod ${istio.versions.join(', ')} in ${CONTROL_PLANE_NAMESPACE}`;
}
