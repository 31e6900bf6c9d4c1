import type { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const step = (name: string, input: Record<string, unknown>) =>
  yaml.stringify({
    steps: [
      {
        id: 'render',
        action: 'istio:install-config:render',
        name,
        input,
      },
    ],
  });

export const examples: TemplateExample[] = [
  {
    description:
      "A typical install: 50% sampling to Jaeger's Zipkin port, gateway in istio-ingress with gateway injection, CNI, Kiali external_services and both Prometheus scrape jobs",
    example: step('Render the mesh install configuration', {
      profile: 'default',
      hub: 'docker.io/istio',
      tag: '1.30.1',
      targetKubernetesVersion: 'v1.33.2',
      tracing: {
        enabled: true,
        samplingPercent: 50,
        provider: 'zipkin',
        collectorAddress:
          'jaeger-collector.observability.svc.cluster.local:9411',
      },
      gateway: {
        enabled: true,
        name: 'istio-ingress',
        namespace: 'istio-ingress',
      },
      cniEnabled: true,
      kiali: {
        enabled: true,
        prometheusUrl:
          'http://prometheus.gemcloud-monitoring-system.svc.cluster.local:9090',
        tracingUrl:
          'http://jaeger-query.observability.svc.cluster.local:16685/jaeger',
        grafanaUrl:
          'http://grafana-service.gemcloud-monitoring-system.svc.cluster.local:3000',
      },
      prometheusScrapeJobs: ['istiod', 'envoy-stats'],
    }),
  },
  {
    description:
      'Ambient mode with OpenTelemetry tracing (Helm charts base, cni, istiod, ztunnel)',
    example: step('Render an ambient mesh', {
      profile: 'ambient',
      tag: '1.30.1',
      targetKubernetesVersion: 'v1.34.1',
      tracing: {
        samplingPercent: 10,
        provider: 'opentelemetry',
        collectorAddress: 'otel-collector.observability.svc.cluster.local:4317',
      },
      gateway: { enabled: false },
      cniEnabled: true,
    }),
  },
  {
    description:
      'Istio 1.11 on Kubernetes 1.18, end of life: rendered only because allowUnsupported is set, with tracing in the legacy meshConfig.defaultConfig.tracing form',
    example: step('Render for an old cluster', {
      hub: 'gcr.io/istio',
      tag: '1.11.0',
      targetKubernetesVersion: 'v1.18.20',
      tracing: {
        samplingPercent: 1,
        collectorAddress: 'jaeger-collector.observability:9411',
      },
      allowUnsupported: true,
    }),
  },
];
