import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import { supportVerdict } from '@istio-backstage/plugin-istio-common';
import { examples } from './checkVersion.examples';

/**
 * `istio:version:check` — the seed document's "version check": is this Istio release
 * supported on this Kubernetes version? Fails the task when it is not (unless told
 * otherwise), so a template never renders an install config that istioctl would
 * refuse or that runs an end-of-life mesh.
 *
 * @public
 */
export function createCheckVersionAction(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return createTemplateAction({
    id: 'istio:version:check',
    description:
      "Checks an Istio version against a Kubernetes version with Istio's support matrix.",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        istioVersion: z =>
          z
            .string()
            .min(1)
            .max(64)
            .describe('Istio version, for example 1.30.1'),
        kubernetesVersion: z =>
          z
            .string()
            .min(1)
            .max(64)
            .describe('Kubernetes version, for example v1.33.2'),
        failIfUnsupported: z =>
          z
            .boolean()
            .default(true)
            .describe('Fail the task when the pair is unsupported')
            .optional(),
      },
      output: {
        verdict: z => z.enum(['supported', 'unsupported', 'unknown']),
        reasons: z => z.array(z.string()),
        kubernetesTested: z =>
          z
            .string()
            .optional()
            .describe('Kubernetes range Istio tests this release on'),
      },
    },
    async handler(ctx) {
      const {
        istioVersion,
        kubernetesVersion,
        failIfUnsupported = true,
      } = ctx.input;
      const result = supportVerdict({
        istioVersion,
        kubernetesVersion,
        now: now(),
      });
      ctx.logger.info(
        `Istio ${istioVersion} on Kubernetes ${kubernetesVersion}: ${
          result.verdict
        }${result.reasons.length ? ` (${result.reasons.join('; ')})` : ''}`,
      );
      ctx.output('verdict', result.verdict);
      ctx.output('reasons', result.reasons);
      if (result.release) {
        ctx.output(
          'kubernetesTested',
          result.release.kubernetesTested.join('–'),
        );
      }
      if (failIfUnsupported && result.verdict === 'unsupported') {
        throw new InputError(
          `Istio ${istioVersion} is not supported on Kubernetes ${kubernetesVersion}: ${result.reasons.join(
            '; ',
          )}`,
        );
      }
    },
  });
}
