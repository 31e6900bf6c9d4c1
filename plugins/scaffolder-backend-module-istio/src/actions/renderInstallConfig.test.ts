import { createMockDirectory } from '@backstage/backend-test-utils';
import { createMockActionContext } from '@backstage/plugin-scaffolder-node-test-utils';
import type { JsonObject } from '@backstage/types';
import { validate } from 'jsonschema';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'yaml';
import { installConfigInputSchema } from '../lib/installConfig';
import { createRenderInstallConfigAction } from './renderInstallConfig';
import { examples } from './renderInstallConfig.examples';

const action = createRenderInstallConfigAction({
  now: () => new Date('2026-11-25T00:00:00Z'),
});

function inputOf(example: { example: string }) {
  return yaml.parse(example.example).steps[0].input;
}

/** What the scaffolder does before calling a handler: JSON-schema validation. */
function engineAccepts(input: unknown): boolean {
  return validate(input, action.schema!.input as object).valid;
}

async function run(input: JsonObject, extra = {}) {
  const mockDir = createMockDirectory();
  const workspacePath = mockDir.resolve('workspace');
  const ctx = {
    ...createMockActionContext({ input, workspacePath }),
    ...extra,
  };
  await action.handler(ctx as never);
  const outputs = Object.fromEntries(
    (ctx.output as jest.Mock).mock.calls.map(([k, v]) => [k, v]),
  );
  return { outputs, workspacePath };
}

const typicalInput = inputOf(examples[0]);

describe('istio:install-config:render', () => {
  it('runs every example through the engine validation and the handler', async () => {
    for (const example of examples) {
      const input = inputOf(example);
      expect(engineAccepts(input)).toBe(true);
      const { outputs } = await run(input);
      expect(yaml.parse(outputs.istioOperatorYaml).kind).toBe('IstioOperator');
    }
  });

  it('renders the typical install options as an IstioOperator for istioctl', async () => {
    const { outputs } = await run(typicalInput);
    const iop = yaml.parse(outputs.istioOperatorYaml);
    expect(iop.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(iop.metadata).toEqual({ name: 'istio', namespace: 'istio-system' });
    expect(iop.spec.profile).toBe('default');
    expect(iop.spec.hub).toBe('docker.io/istio');
    expect(iop.spec.tag).toBe('1.30.1');
    // Istio 1.30: extension provider + Telemetry, not the removed implicit Zipkin default.
    expect(iop.spec.meshConfig).toEqual({
      enableTracing: true,
      defaultConfig: { tracing: {} },
      extensionProviders: [
        {
          name: 'zipkin',
          zipkin: {
            service: 'jaeger-collector.observability.svc.cluster.local',
            port: 9411,
          },
        },
      ],
    });
    expect(iop.spec.components).toEqual({
      ingressGateways: [
        { name: 'istio-ingress', namespace: 'istio-ingress', enabled: true },
        { name: 'istio-ingressgateway', enabled: false },
      ],
      cni: { enabled: true },
    });
    expect(iop.spec.values.gateways['istio-ingressgateway']).toEqual({
      injectionTemplate: 'gateway',
    });

    const telemetry = yaml.parse(outputs.telemetryYaml);
    expect(telemetry).toMatchObject({
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      metadata: { name: 'mesh-default', namespace: 'istio-system' },
      spec: {
        tracing: [
          { providers: [{ name: 'zipkin' }], randomSamplingPercentage: 50 },
        ],
      },
    });
    expect(outputs.installCommands.istioctl.split('\n')).toEqual([
      'kubectl create namespace istio-ingress',
      'istioctl install -f istio-operator.yaml -y',
      'kubectl apply -f telemetry.yaml',
    ]);
  });

  it('renders the equivalent Helm values per chart', async () => {
    const { outputs } = await run(typicalInput);
    expect(Object.keys(outputs.helmValues)).toEqual([
      'base',
      'cni',
      'istiod',
      'gateway',
    ]);
    const istiod = yaml.parse(outputs.helmValues.istiod);
    expect(istiod.global).toEqual({ hub: 'docker.io/istio', tag: '1.30.1' });
    expect(istiod.pilot).toEqual({ cni: { enabled: true } });
    expect(istiod.profile).toBeUndefined();
    expect(istiod.meshConfig).toEqual(
      yaml.parse(outputs.istioOperatorYaml).spec.meshConfig,
    );
    expect(yaml.parse(outputs.helmValues.cni).global.tag).toBe('1.30.1');
    expect(yaml.parse(outputs.helmValues.gateway).podAnnotations).toEqual({
      'inject.istio.io/templates': 'gateway',
      'sidecar.istio.io/inject': 'true',
    });
    // The combined stream names each chart and its install command.
    const docs = yaml.parseAllDocuments(outputs.helmValuesYaml);
    expect(docs.flatMap(d => d.errors)).toEqual([]);
    expect(docs.map(d => d.toJS())).toEqual(
      ['base', 'cni', 'istiod', 'gateway'].map(c =>
        yaml.parse(outputs.helmValues[c]),
      ),
    );
    expect(
      outputs.helmValuesYaml
        .split(/^---$/m)
        .map((d: string) => d.trim().split('\n')[0]),
    ).toEqual([
      '# Values for the istio/base chart:',
      '# Values for the istio/cni chart:',
      '# Values for the istio/istiod chart:',
      '# Values for the istio/gateway chart:',
    ]);
    expect(outputs.installCommands.helm).toContain(
      'helm install istio-ingress istio/gateway -n istio-ingress --version 1.30.1 -f values-gateway.yaml --wait',
    );
  });

  it('renders the Kiali CR external_services and both Prometheus scrape jobs', async () => {
    const { outputs } = await run(typicalInput);
    const kiali = yaml.parse(outputs.kialiConfigYaml);
    expect(kiali).toEqual({
      apiVersion: 'kiali.io/v1alpha1',
      kind: 'Kiali',
      metadata: { name: 'kiali', namespace: 'istio-system' },
      spec: {
        external_services: {
          prometheus: {
            url: 'http://prometheus.gemcloud-monitoring-system.svc.cluster.local:9090',
          },
          grafana: {
            enabled: true,
            internal_url:
              'http://grafana-service.gemcloud-monitoring-system.svc.cluster.local:3000',
          },
          tracing: {
            enabled: true,
            provider: 'jaeger',
            internal_url:
              'http://jaeger-query.observability.svc.cluster.local:16685/jaeger',
            use_grpc: true,
          },
        },
      },
    });
    const jobs = yaml.parse(outputs.prometheusScrapeConfigYaml);
    expect(jobs.map((j: { job_name: string }) => j.job_name)).toEqual([
      'istiod',
      'envoy-stats',
    ]);
    expect(jobs[0].kubernetes_sd_configs[0].namespaces.names).toEqual([
      'istio-system',
    ]);
    expect(jobs[0].relabel_configs[0].regex).toBe('istiod;http-monitoring');
    expect(jobs[1].metrics_path).toBe('/stats/prometheus');
    expect(jobs[1].relabel_configs[0].regex).toBe('.*-envoy-prom');
  });

  it('outputs the support verdict and writes the files to the workspace', async () => {
    const { outputs, workspacePath } = await run({
      ...typicalInput,
      targetPath: 'mesh/prod',
    });
    expect(outputs.versionCheck).toEqual({
      istioVersion: '1.30.1',
      kubernetesVersion: 'v1.33.2',
      verdict: 'supported',
      reasons: [],
      kubernetesTested: '1.32–1.36',
      endOfLife: '2026-11-30',
      endOfLifeExpected: true,
      matrixAsOf: '2026-11-01',
    });
    expect(outputs.files).toEqual([
      'mesh/prod/istio-operator.yaml',
      'mesh/prod/telemetry.yaml',
      'mesh/prod/values-base.yaml',
      'mesh/prod/values-cni.yaml',
      'mesh/prod/values-istiod.yaml',
      'mesh/prod/values-gateway.yaml',
      'mesh/prod/kiali.yaml',
      'mesh/prod/prometheus-scrape-configs.yaml',
    ]);
    expect(
      readFileSync(
        join(workspacePath, 'mesh/prod/istio-operator.yaml'),
        'utf8',
      ),
    ).toBe(outputs.istioOperatorYaml);
    expect(
      readFileSync(join(workspacePath, 'mesh/prod/values-istiod.yaml'), 'utf8'),
    ).toBe(outputs.helmValues.istiod);
  });

  it('fails for an unsupported pair, naming why, and writes nothing', async () => {
    const input = { ...inputOf(examples[2]), allowUnsupported: false };
    const mockDir = createMockDirectory();
    const workspacePath = mockDir.resolve('workspace');
    const ctx = createMockActionContext({ input, workspacePath });
    await expect(action.handler(ctx)).rejects.toThrow(
      'Istio 1.11.0 is not supported on Kubernetes v1.18.20: Istio 1.11 reached end of life on 2022-03-25. Choose a supported pair, or set allowUnsupported to render anyway.',
    );
    expect(existsSync(workspacePath)).toBe(false);
  });

  it("renders a likely end of life ('check') without allowUnsupported, warning with the estimate", async () => {
    const december = createRenderInstallConfigAction({
      now: () => new Date('2026-12-06T12:00:00Z'),
    });
    const input = { ...typicalInput, allowUnsupported: false };
    const ctx = createMockActionContext({
      input,
      workspacePath: createMockDirectory().resolve('workspace'),
    });
    const warn = jest.spyOn(ctx.logger, 'warn');
    await december.handler(ctx as never);
    const outputs = Object.fromEntries((ctx.output as jest.Mock).mock.calls);
    expect(outputs.versionCheck).toMatchObject({
      verdict: 'check',
      reasons: [
        "Istio 1.30's end of life was expected around 2026-11-30 and has likely passed; check istio.io's supported releases",
      ],
      endOfLife: '2026-11-30',
      endOfLifeExpected: true,
      matrixAsOf: '2026-11-01',
    });
    expect(outputs.files.length).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining(
        'Istio 1.30.1 on Kubernetes v1.33.2: check (Istio 1.30',
      ),
    );
  });

  it('renders the legacy tracing form for Istio 1.11 when allowed, without Helm values', async () => {
    const { outputs } = await run(inputOf(examples[2]));
    expect(outputs.versionCheck.verdict).toBe('unsupported');
    const iop = yaml.parse(outputs.istioOperatorYaml);
    expect(iop.spec.hub).toBe('gcr.io/istio');
    expect(iop.spec.meshConfig).toEqual({
      enableTracing: true,
      defaultConfig: {
        tracing: {
          sampling: 1,
          zipkin: { address: 'jaeger-collector.observability:9411' },
        },
      },
    });
    expect(outputs.helmValues).toBeUndefined();
    expect(outputs.telemetryYaml).toBeUndefined();
    expect(outputs.warnings).toContain(
      'Helm values are rendered for Istio 1.22 and later; install Istio 1.11 with istio-operator.yaml and istioctl.',
    );
  });

  it('renders the same in a dry run (the files go to the dry-run workspace)', async () => {
    const real = await run(typicalInput);
    const dry = await run(typicalInput, { isDryRun: true });
    expect(dry.outputs).toEqual(real.outputs);
    expect(readdirSync(dry.workspacePath)).toHaveLength(8);
  });

  it.each([
    ['YAML in the hub', { hub: 'docker.io/istio\nvalues: {evil: true}' }],
    ['a key in the hub', { hub: 'docker.io/istio: x' }],
    ['an uppercase hub path', { hub: 'docker.io/Istio' }],
    ['a tag that is not a version', { tag: 'latest' }],
    ['a tag with a newline', { tag: '1.24.2\n#' }],
    ['Istio 2.x', { tag: '2.0.0' }],
    ['an unknown profile', { profile: 'production' }],
    ['a Kubernetes version with spaces', { targetKubernetesVersion: 'v1.31 ' }],
    [
      'a namespace that is not DNS-1123',
      { gateway: { namespace: 'Istio_Ingress' } },
    ],
    [
      'a collector URL instead of host:port',
      { tracing: { collectorAddress: 'http://jaeger:9411' } },
    ],
    [
      'a collector port out of range',
      { tracing: { collectorAddress: 'jaeger.observability:99999' } },
    ],
    [
      'sampling above 100%',
      { tracing: { samplingPercent: 150, collectorAddress: 'a:1' } },
    ],
    [
      'a Kiali URL with a query',
      { kiali: { enabled: true, prometheusUrl: 'http://prom:9090/?q=1' } },
    ],
    [
      'a Kiali URL with credentials',
      { kiali: { enabled: true, prometheusUrl: 'http://user:pw@prom:9090' } },
    ],
    [
      'a file: URL',
      { kiali: { enabled: true, prometheusUrl: 'file:///etc/passwd' } },
    ],
    ['an unknown scrape job', { prometheusScrapeJobs: ['kube-state-metrics'] }],
    ['an unknown field', { values: { global: { hub: 'x' } } }],
  ])('rejects %s, in the engine and in the handler', async (_case, patch) => {
    const input = { ...typicalInput, ...patch };
    expect(engineAccepts(input)).toBe(false);
    await expect(
      action.handler(createMockActionContext({ input })),
    ).rejects.toThrow(/Invalid install configuration/);
  });

  it.each([
    [
      'tracing without a collector',
      { tracing: { enabled: true } },
      /tracing.collectorAddress is required/,
    ],
    [
      'Kiali without Prometheus',
      { kiali: { enabled: true } },
      /kiali.prometheusUrl is required/,
    ],
    [
      'ambient without CNI',
      { profile: 'ambient', cniEnabled: false },
      /cniEnabled must be true for the ambient profile/,
    ],
  ])('rejects %s in the handler', async (_case, patch, message) => {
    const input = { ...typicalInput, ...patch };
    await expect(
      action.handler(createMockActionContext({ input })),
    ).rejects.toThrow(message);
  });

  it('refuses a target path outside the workspace', async () => {
    const mockDir = createMockDirectory();
    const workspacePath = mockDir.resolve('workspace');
    await expect(
      action.handler(
        createMockActionContext({
          input: { ...typicalInput, targetPath: '../outside' },
          workspacePath,
        }),
      ),
    ).rejects.toThrow(/outside/);
    expect(existsSync(mockDir.resolve('outside'))).toBe(false);
  });

  it('keeps the action schema and the parsing schema in step', () => {
    const actionFields = Object.keys(
      (action.schema!.input as { properties: object }).properties,
    ).sort();
    const parsedFields = Object.keys(
      installConfigInputSchema.innerType().shape,
    ).sort();
    expect(actionFields).toEqual(parsedFields);
  });
});
