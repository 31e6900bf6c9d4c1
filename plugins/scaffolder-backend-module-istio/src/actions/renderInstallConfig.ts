import type { LoggerService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  DNS1123_LABEL,
  ISTIO_SCRAPE_JOB_NAMES,
  supportVerdict,
  type IstioSupportMatrix,
} from '@istio-backstage/plugin-istio-common';
import {
  ISTIO_PROFILES,
  TRACING_PROVIDERS,
  parseInstallConfigInput,
  patterns,
  renderInstallConfig,
  writeRenderedFiles,
  type InstallConfigInput,
  type InstallConfigRendering,
} from '../lib/installConfig';
import { actionSchema } from './actionSchema';
import { examples } from './renderInstallConfig.examples';

// Mirrors lib/installConfig/schema.ts, which the handler parses with (it also applies
// the defaults); a test keeps the two in step.
const inputSchema = actionSchema({
  profile: z =>
    z
      .enum(ISTIO_PROFILES)
      .optional()
      .describe('IstioOperator profile (default: default)'),
  hub: z =>
    z
      .string()
      .regex(patterns.IMAGE_HUB)
      .or(z.literal(''))
      .optional()
      .describe('Image registry for Istio images, e.g. docker.io/istio'),
  tag: z =>
    z
      .string()
      .regex(patterns.ISTIO_TAG)
      .describe('Istio version (image tag), e.g. 1.24.2'),
  targetKubernetesVersion: z =>
    z
      .string()
      .regex(patterns.KUBERNETES_VERSION)
      .describe('Kubernetes version of the target cluster, e.g. v1.31.4'),
  tracing: z =>
    z
      .object({
        enabled: z.boolean().optional(),
        samplingPercent: z.number().min(0).max(100).optional(),
        provider: z.enum(TRACING_PROVIDERS).optional(),
        collectorAddress: z
          .string()
          .regex(patterns.HOST_PORT)
          .or(z.literal(''))
          .optional()
          .describe(
            'Collector host:port, e.g. jaeger-collector.observability:9411',
          ),
      })
      .strict()
      .optional()
      .describe('Tracing: sampling percentage and collector'),
  gateway: z =>
    z
      .object({
        enabled: z.boolean().optional(),
        name: z.string().regex(DNS1123_LABEL).optional(),
        namespace: z.string().regex(DNS1123_LABEL).optional(),
      })
      .strict()
      .optional()
      .describe('Ingress gateway in its own namespace, with gateway injection'),
  cniEnabled: z =>
    z.boolean().optional().describe('Install the Istio CNI node agent'),
  kiali: z =>
    z
      .object({
        enabled: z.boolean().optional(),
        majorVersion: z.union([z.literal(1), z.literal(2)]).optional(),
        prometheusUrl: z
          .string()
          .regex(patterns.SERVICE_URL)
          .or(z.literal(''))
          .optional(),
        grafanaUrl: z
          .string()
          .regex(patterns.SERVICE_URL)
          .or(z.literal(''))
          .optional(),
        tracingUrl: z
          .string()
          .regex(patterns.SERVICE_URL)
          .or(z.literal(''))
          .optional(),
      })
      .strict()
      .optional()
      .describe('Kiali CR external_services'),
  prometheusScrapeJobs: z =>
    z
      .array(z.enum(ISTIO_SCRAPE_JOB_NAMES))
      .max(2)
      .optional()
      .describe('Prometheus scrape jobs to render'),
  allowUnsupported: z =>
    z
      .boolean()
      .optional()
      .describe(
        "Render even when the support matrix says unsupported (a likely end of life, verdict 'check', only warns)",
      ),
  targetPath: z =>
    z
      .string()
      .optional()
      .describe('Directory in the workspace for the files (default: .)'),
});

const outputSchema = actionSchema({
  istioOperatorYaml: z => z.string(),
  telemetryYaml: z => z.string().optional(),
  helmValues: z =>
    z
      .record(z.string())
      .optional()
      .describe(
        'Values YAML keyed by chart: base, cni, istiod, ztunnel, gateway',
      ),
  helmValuesYaml: z => z.string().optional(),
  kialiConfigYaml: z => z.string().optional(),
  prometheusScrapeConfigYaml: z => z.string().optional(),
  installCommands: z =>
    z.object({ istioctl: z.string(), helm: z.string().optional() }),
  versionCheck: z =>
    z.object({
      istioVersion: z.string(),
      kubernetesVersion: z.string(),
      verdict: z
        .enum(['supported', 'check', 'unsupported', 'unknown'])
        .describe(
          "'check': likely end of life — check (an estimated end of life has passed)",
        ),
      reasons: z.array(z.string()),
      kubernetesTested: z.string().optional(),
      endOfLife: z
        .string()
        .optional()
        .describe('Last supported day of the release (ISO date)'),
      endOfLifeExpected: z
        .boolean()
        .optional()
        .describe('True when endOfLife is an estimate, not announced by Istio'),
      matrixAsOf: z
        .string()
        .describe(
          "The day the plugin's support matrix was checked against istio.io",
        ),
    }),
  warnings: z => z.array(z.string()),
  files: z =>
    z.array(z.string()).describe('Written files, relative to the workspace'),
});

/** The `versionCheck` output: the support verdict of the Istio / Kubernetes pair. */
function checkVersions(
  input: InstallConfigInput,
  now: Date,
  matrix: IstioSupportMatrix | undefined,
) {
  const check = supportVerdict({
    istioVersion: input.tag,
    kubernetesVersion: input.targetKubernetesVersion,
    now,
    matrix,
  });
  const { release } = check;
  return {
    istioVersion: input.tag,
    kubernetesVersion: input.targetKubernetesVersion,
    verdict: check.verdict,
    reasons: check.reasons,
    ...(release
      ? {
          kubernetesTested: release.kubernetesTested.join('–'),
          endOfLife: release.endOfLife,
          endOfLifeExpected: !!release.endOfLifeExpected,
        }
      : {}),
    matrixAsOf: check.matrixAsOf,
  };
}

/**
 * Logs the verdict; an unsupported pair stops the render unless the input allows it. A
 * likely end of life (`check`) is logged as a warning and does not stop it.
 */
function enforceSupport(
  input: InstallConfigInput,
  check: ReturnType<typeof checkVersions>,
  logger: LoggerService,
) {
  const { tag, targetKubernetesVersion } = input;
  const reasons = check.reasons.join('; ');
  const line = `Istio ${tag} on Kubernetes ${targetKubernetesVersion}: ${
    check.verdict
  }${check.reasons.length ? ` (${reasons})` : ''}; support matrix as of ${
    check.matrixAsOf
  }`;
  if (check.verdict === 'check') logger.warn(line);
  else logger.info(line);
  if (check.verdict === 'unsupported' && !input.allowUnsupported) {
    throw new InputError(
      `Istio ${tag} is not supported on Kubernetes ${targetKubernetesVersion}: ${reasons}. Choose a supported pair, or set allowUnsupported to render anyway.`,
    );
  }
}

/** The rendered texts as action outputs; the optional ones only when rendered. */
function renderingOutputs(rendering: InstallConfigRendering) {
  const { helmValues, helmValuesYaml } = rendering;
  return {
    istioOperatorYaml: rendering.istioOperatorYaml,
    ...(rendering.telemetryYaml
      ? { telemetryYaml: rendering.telemetryYaml }
      : {}),
    ...(helmValues && helmValuesYaml ? { helmValues, helmValuesYaml } : {}),
    ...(rendering.kialiConfigYaml
      ? { kialiConfigYaml: rendering.kialiConfigYaml }
      : {}),
    ...(rendering.prometheusScrapeConfigYaml
      ? { prometheusScrapeConfigYaml: rendering.prometheusScrapeConfigYaml }
      : {}),
    installCommands: rendering.installCommands,
    warnings: rendering.warnings,
  };
}

/**
 * `istio:install-config:render` — renders a mesh install configuration from
 * form values: an IstioOperator for `istioctl install -f`, the equivalent Helm values
 * per chart, optionally the Kiali CR `external_services` and the Prometheus scrape
 * jobs, checked against Istio's support matrix for the target Kubernetes version.
 * The files are written to the workspace for later steps (publish, debug:log).
 *
 * @public
 */
export function createRenderInstallConfigAction(
  options: {
    /** The date support verdicts are for (end of life); now unless told. */
    now?: () => Date;
    /**
     * The support matrix: the built-in one merged with `istio.supportMatrix`
     * (`mergeSupportMatrix`); the built-in one unless given.
     */
    supportMatrix?: IstioSupportMatrix;
  } = {},
) {
  const now = options.now ?? (() => new Date());
  return createTemplateAction({
    id: 'istio:install-config:render',
    description:
      'Renders an Istio install configuration (IstioOperator, Helm values, Kiali external_services, Prometheus scrape jobs) and checks the Istio version against the target Kubernetes version.',
    examples,
    supportsDryRun: true,
    schema: { input: inputSchema, output: outputSchema },
    async handler(ctx) {
      const input = parseInstallConfigInput(ctx.input);
      const check = checkVersions(input, now(), options.supportMatrix);
      ctx.output('versionCheck', check);
      enforceSupport(input, check, ctx.logger);

      const rendering = renderInstallConfig(input);
      for (const warning of rendering.warnings) ctx.logger.warn(warning);
      const files = await writeRenderedFiles(
        ctx.workspacePath,
        input.targetPath,
        rendering.files,
      );
      ctx.logger.info(`Wrote ${files.join(', ')}`);
      for (const [name, value] of Object.entries(renderingOutputs(rendering)))
        ctx.output(name as keyof typeof outputSchema, value);
      ctx.output('files', files);
    },
  });
}
