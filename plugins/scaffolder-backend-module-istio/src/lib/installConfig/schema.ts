import { InputError } from '@backstage/errors';
import {
  DNS1123_LABEL,
  ISTIO_SCRAPE_JOB_NAMES,
} from '@istio-backstage/plugin-istio-common';
import { z } from 'zod';
import {
  HOST_PORT,
  IMAGE_HUB,
  ISTIO_TAG,
  KUBERNETES_VERSION,
  SERVICE_URL,
} from './patterns';

/** IstioOperator profiles the renderer knows how to express for istioctl and Helm. */
export const ISTIO_PROFILES = [
  'default',
  'demo',
  'minimal',
  'preview',
  'ambient',
  'openshift',
] as const;

/** Tracing providers: Zipkin (Jaeger's port 9411) or OpenTelemetry (OTLP gRPC). */
export const TRACING_PROVIDERS = ['zipkin', 'opentelemetry'] as const;

/** A template renders an unset optional field as `''`; treat that as absent. */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess(
    v => (v === '' || v === null ? undefined : v),
    schema.optional(),
  );

const hostPort = z
  .string()
  .regex(
    HOST_PORT,
    'must be host:port (port 1–65535), for example jaeger-collector.observability:9411',
  );

const serviceUrl = z
  .string()
  .max(2048)
  .regex(
    SERVICE_URL,
    'must be an http(s) URL (port 1–65535) without query or credentials',
  );

const namespace = z
  .string()
  .regex(DNS1123_LABEL, 'must be a Kubernetes namespace name (DNS-1123 label)');

/**
 * Input of `istio:install-config:render`: the installer options. Defaults are
 * applied here because the scaffolder only validates action input, it does not fill
 * in defaults.
 */
export const installConfigInputSchema = z
  .object({
    profile: z.enum(ISTIO_PROFILES).default('default'),
    hub: optional(
      z
        .string()
        .regex(
          IMAGE_HUB,
          'must be an image registry path such as docker.io/istio',
        ),
    ),
    tag: z.string().regex(ISTIO_TAG, 'must be an Istio version such as 1.24.2'),
    targetKubernetesVersion: z
      .string()
      .regex(
        KUBERNETES_VERSION,
        'must be a Kubernetes version such as v1.31.4',
      ),
    tracing: z
      .object({
        enabled: z.boolean().default(true),
        samplingPercent: z.number().min(0).max(100).default(1),
        provider: z.enum(TRACING_PROVIDERS).default('zipkin'),
        collectorAddress: optional(hostPort),
      })
      .strict()
      .default({}),
    gateway: z
      .object({
        enabled: z.boolean().default(true),
        name: namespace.default('istio-ingress'),
        namespace: namespace.default('istio-ingress'),
      })
      .strict()
      .default({}),
    cniEnabled: z.boolean().default(false),
    kiali: z
      .object({
        enabled: z.boolean().default(false),
        majorVersion: z.union([z.literal(1), z.literal(2)]).default(2),
        prometheusUrl: optional(serviceUrl),
        grafanaUrl: optional(serviceUrl),
        tracingUrl: optional(serviceUrl),
      })
      .strict()
      .default({}),
    prometheusScrapeJobs: z
      .array(z.enum(ISTIO_SCRAPE_JOB_NAMES))
      .max(2)
      .default([]),
    allowUnsupported: z.boolean().default(false),
    targetPath: z
      .string()
      .max(200)
      .regex(/^[A-Za-z0-9._/-]+$/, 'must be a relative path in the workspace')
      .default('.'),
  })
  .strict()
  .superRefine((input, ctx) => {
    if (input.tracing.enabled && !input.tracing.collectorAddress) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['tracing', 'collectorAddress'],
        message: 'is required when tracing is enabled',
      });
    }
    if (input.kiali.enabled && !input.kiali.prometheusUrl) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['kiali', 'prometheusUrl'],
        message:
          'is required when Kiali is configured (Kiali reads all metrics from Prometheus)',
      });
    }
    if (input.profile === 'ambient' && !input.cniEnabled) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['cniEnabled'],
        message:
          'must be true for the ambient profile (ambient needs the Istio CNI node agent)',
      });
    }
  });

/** Validated input with every default applied. */
export type InstallConfigInput = z.output<typeof installConfigInputSchema>;

/** Raw input as a template passes it. */
export type InstallConfigRawInput = z.input<typeof installConfigInputSchema>;

/** Parses action input; every problem is named in one {@link InputError}. */
export function parseInstallConfigInput(raw: unknown): InstallConfigInput {
  const result = installConfigInputSchema.safeParse(raw);
  if (!result.success) {
    throw new InputError(
      `Invalid install configuration: ${result.error.issues
        .map(i => `${i.path.join('.') || 'input'} ${i.message}`)
        .join('; ')}`,
    );
  }
  return result.data;
}
