import yaml from 'yaml';
import { renderInstallConfig } from './render';
import { parseInstallConfigInput, type InstallConfigRawInput } from './schema';

const base: InstallConfigRawInput = {
  tag: '1.28.2',
  targetKubernetesVersion: 'v1.32.0',
  tracing: { collectorAddress: 'zipkin.istio-system.svc.cluster.local:9411' },
};

const render = (patch: Partial<InstallConfigRawInput> = {}) =>
  renderInstallConfig(parseInstallConfigInput({ ...base, ...patch }));

const spec = (r: ReturnType<typeof render>) =>
  yaml.parse(r.istioOperatorYaml).spec;

describe('renderInstallConfig', () => {
  it.each([
    // tag, tracing mode, Helm values rendered
    ['1.11.7', 'legacy', false],
    ['1.21.6', 'legacy', false],
    ['1.22.0', 'providers', true],
    ['1.30.1-distroless', 'providers', true],
  ] as const)('Istio %s: %s tracing, Helm values %s', (tag, mode, helm) => {
    const rendered = render({ tag });
    expect(rendered.tracingMode).toBe(mode);
    expect(rendered.helmValues !== undefined).toBe(helm);
    expect(rendered.telemetryYaml !== undefined).toBe(mode === 'providers');
  });

  it('applies the defaults: default profile, 1% sampling, gateway istio-ingress/istio-ingress, no CNI', () => {
    const rendered = render();
    const iop = spec(rendered);
    expect(iop.profile).toBe('default');
    expect(iop.hub).toBeUndefined();
    expect(iop.components).toEqual({
      ingressGateways: [
        { name: 'istio-ingress', namespace: 'istio-ingress', enabled: true },
        { name: 'istio-ingressgateway', enabled: false },
      ],
    });
    expect(
      yaml.parse(rendered.telemetryYaml!).spec.tracing[0]
        .randomSamplingPercentage,
    ).toBe(1);
    expect(rendered.kialiConfigYaml).toBeUndefined();
    expect(rendered.prometheusScrapeConfigYaml).toBeUndefined();
    expect(rendered.files.map(f => f.path)).toEqual([
      'istio-operator.yaml',
      'telemetry.yaml',
      'values-base.yaml',
      'values-istiod.yaml',
      'values-gateway.yaml',
    ]);
  });

  it('disables the profile gateway when no gateway is wanted, and renders no gateway chart', () => {
    const rendered = render({ gateway: { enabled: false } });
    expect(spec(rendered).components.ingressGateways).toEqual([
      { name: 'istio-ingressgateway', enabled: false },
    ]);
    expect(spec(rendered).values).toBeUndefined();
    expect(Object.keys(rendered.helmValues!)).toEqual(['base', 'istiod']);
    expect(rendered.installCommands.istioctl).toBe(
      'istioctl install -f istio-operator.yaml -y\nkubectl apply -f telemetry.yaml',
    );
  });

  it('keeps a single entry, and warns, for the profile gateway left in istio-system', () => {
    const rendered = render({
      gateway: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    });
    expect(spec(rendered).components.ingressGateways).toEqual([
      {
        name: 'istio-ingressgateway',
        namespace: 'istio-system',
        enabled: true,
      },
    ]);
    expect(rendered.warnings[0]).toMatch(
      /runs in istio-system; Istio recommends a namespace of its own/,
    );
  });

  it('renders ambient: CNI and ztunnel charts with the ambient Helm profile', () => {
    const rendered = render({
      profile: 'ambient',
      cniEnabled: true,
      hub: 'registry.example.com:5000/mirror/istio',
      gateway: { enabled: false },
    });
    expect(spec(rendered).profile).toBe('ambient');
    expect(spec(rendered).hub).toBe('registry.example.com:5000/mirror/istio');
    const values = Object.fromEntries(
      Object.entries(rendered.helmValues!).map(([k, v]) => [k, yaml.parse(v!)]),
    );
    expect(Object.keys(values)).toEqual(['base', 'cni', 'istiod', 'ztunnel']);
    expect(values.cni.profile).toBe('ambient');
    expect(values.istiod.profile).toBe('ambient');
    expect(values.ztunnel).toEqual({
      profile: 'ambient',
      hub: 'registry.example.com:5000/mirror/istio',
      tag: '1.28.2',
    });
    expect(rendered.installCommands.helm!.split('\n')).toEqual([
      'helm repo add istio https://istio-release.storage.googleapis.com/charts',
      'helm repo update',
      'kubectl create namespace istio-system',
      'helm install istio-base istio/base -n istio-system --version 1.28.2 -f values-base.yaml --wait',
      'helm install istio-cni istio/cni -n istio-system --version 1.28.2 -f values-cni.yaml --wait',
      'helm install istiod istio/istiod -n istio-system --version 1.28.2 -f values-istiod.yaml --wait',
      'helm install ztunnel istio/ztunnel -n istio-system --version 1.28.2 -f values-ztunnel.yaml --wait',
      'kubectl apply -f telemetry.yaml',
    ]);
  });

  it('renders the minimal and demo profiles without a Helm profile for minimal', () => {
    expect(
      yaml.parse(render({ profile: 'minimal' }).helmValues!.istiod!).profile,
    ).toBeUndefined();
    const demo = render({ profile: 'demo' });
    expect(yaml.parse(demo.helmValues!.istiod!).profile).toBe('demo');
    expect(demo.warnings).toContain(
      'The demo profile is meant for trying Istio out, not for production.',
    );
  });

  it('renders an OpenTelemetry provider on the OTLP port', () => {
    const rendered = render({
      tracing: {
        provider: 'opentelemetry',
        samplingPercent: 0.5,
        collectorAddress: 'otel-collector.observability:4317',
      },
    });
    expect(spec(rendered).meshConfig.extensionProviders).toEqual([
      {
        name: 'otel-tracing',
        opentelemetry: { service: 'otel-collector.observability', port: 4317 },
      },
    ]);
    expect(yaml.parse(rendered.telemetryYaml!).spec.tracing).toEqual([
      { providers: [{ name: 'otel-tracing' }], randomSamplingPercentage: 0.5 },
    ]);
  });

  it('refuses OpenTelemetry in the legacy form (before Istio 1.22)', () => {
    expect(() =>
      render({
        tag: '1.21.0',
        tracing: {
          provider: 'opentelemetry',
          collectorAddress: 'otel-collector.observability:4317',
        },
      }),
    ).toThrow(/rendered for Istio 1.22 and later; use zipkin for Istio 1.21/);
  });

  it('turns tracing off explicitly when disabled', () => {
    const rendered = render({ tracing: { enabled: false } });
    expect(spec(rendered).meshConfig).toEqual({ enableTracing: false });
    expect(rendered.telemetryYaml).toBeUndefined();
  });

  it.each([
    ['jaeger-collector.observability:9411', true],
    ['zipkin.istio-system:9411', false],
    ['jaeger-collector.observability:4317', false],
  ])(
    'warns about Jaeger without its Zipkin receiver for %s: %s',
    (address, warned) => {
      const rendered = render({ tracing: { collectorAddress: address } });
      expect(
        rendered.warnings.some(w =>
          /only accepts Zipkin spans when Jaeger's Zipkin receiver is on/.test(
            w,
          ),
        ),
      ).toBe(warned);
    },
  );

  it.each([
    [1, 'in_cluster_url', 'http://tracing.istio-system:16686/jaeger', false],
    [2, 'internal_url', 'http://tracing.istio-system:16685/jaeger', true],
    [2, 'internal_url', 'http://tracing.istio-system/jaeger', false],
  ] as const)(
    'writes Kiali %s.x URLs under %s (use_grpc for %s: %s)',
    (majorVersion, key, tracingUrl, grpc) => {
      const rendered = render({
        kiali: {
          enabled: true,
          majorVersion,
          prometheusUrl: 'http://prometheus.monitoring:9090',
          grafanaUrl: 'http://grafana.grafana:3000',
          tracingUrl,
        },
      });
      const services = yaml.parse(rendered.kialiConfigYaml!).spec
        .external_services;
      expect(services.grafana[key]).toBe('http://grafana.grafana:3000');
      expect(services.tracing[key]).toBe(tracingUrl);
      expect(services.tracing.use_grpc).toBe(grpc);
    },
  );

  it('leaves out unset Kiali services and an empty hub', () => {
    const rendered = render({
      hub: '',
      kiali: {
        enabled: true,
        prometheusUrl: 'https://prometheus.example.com',
        grafanaUrl: '',
      },
    });
    expect(spec(rendered).hub).toBeUndefined();
    expect(
      yaml.parse(rendered.kialiConfigYaml!).spec.external_services,
    ).toEqual({ prometheus: { url: 'https://prometheus.example.com' } });
  });

  it('renders only the chosen scrape job', () => {
    const rendered = render({ prometheusScrapeJobs: ['envoy-stats'] });
    expect(
      yaml
        .parse(rendered.prometheusScrapeConfigYaml!)
        .map((j: { job_name: string }) => j.job_name),
    ).toEqual(['envoy-stats']);
  });

  it('writes values that look like YAML syntax as plain strings that parse back unchanged', () => {
    // The strictest patterns still allow `-`, `.`, `:` and digits; the yaml library
    // must keep such values strings (a tag like 1.30 must not turn into a number).
    const rendered = render({
      hub: '127.0.0.1:5000/istio',
      tag: '1.30.0-0',
      gateway: { name: '0123', namespace: 'e5' },
    });
    const iop = spec(rendered);
    expect(iop.hub).toBe('127.0.0.1:5000/istio');
    expect(iop.tag).toBe('1.30.0-0');
    expect(iop.components.ingressGateways[0]).toEqual({
      name: '0123',
      namespace: 'e5',
      enabled: true,
    });
  });
});
