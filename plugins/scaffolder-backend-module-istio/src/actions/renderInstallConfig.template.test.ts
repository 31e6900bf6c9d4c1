// examples/templates/mesh-install-config run as a task by the real scaffolder plugin:
// the form's defaults go through istio:version:check and istio:install-config:render,
// and the output shows YAML that parses back to what the action rendered.
import yaml from 'yaml';
import { loadTemplate, runTemplateTask } from '../__testUtils__/runTemplate';
import { startScaffolderTestBackend } from '../__testUtils__/scaffolderBackend';

jest.setTimeout(120_000);

// Support verdicts depend on the date (end of life); pin it like the unit tests do,
// faking only Date so the backend's timers run normally.
beforeEach(() => {
  jest.useFakeTimers({
    now: new Date('2026-11-25T00:00:00Z'),
    advanceTimers: true,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'requestIdleCallback',
      'cancelIdleCallback',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
});
afterEach(() => jest.useRealTimers());

const template = loadTemplate(
  'examples/templates/mesh-install-config/template.yaml',
);

/** The form's defaults, as the scaffolder frontend would submit them. */
function formDefaults(): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const page of template.spec!.parameters as Array<{
    properties: Record<string, { default?: unknown }>;
  }>) {
    for (const [key, property] of Object.entries(page.properties)) {
      if (property.default !== undefined) values[key] = property.default;
    }
  }
  return values;
}

/** The fenced blocks of one output text, by language. */
function codeBlocks(content: string, language: string): string[] {
  const pattern = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\\n\`\`\``, 'g');
  return [...content.matchAll(pattern)].map(m => m[1]);
}

type OutputText = { title: string; content: string };

describe('examples/templates/mesh-install-config', () => {
  it("renders the seed's configuration from the form defaults", async () => {
    const server = await startScaffolderTestBackend({
      clusters: [],
      entities: [template],
    });
    const result = await runTemplateTask(server, {
      template,
      values: formDefaults(),
    });
    expect({ status: result.status, log: result.log }).toEqual({
      status: 'completed',
      log: expect.any(Array),
    });
    const text = (result.output!.text as OutputText[]).reduce<
      Record<string, string>
    >((all, t) => ({ ...all, [t.title]: t.content }), {});

    expect(text['Support check']).toContain(
      'Istio **1.30.1** on Kubernetes **v1.33.2**',
    );

    const [iopYaml, telemetryYaml] = codeBlocks(
      text['istio-operator.yaml'],
      'yaml',
    );
    const iop = yaml.parse(iopYaml);
    expect(iop.kind).toBe('IstioOperator');
    expect(iop.spec.tag).toBe('1.30.1');
    expect(iop.spec.hub).toBeUndefined();
    expect(iop.spec.components.cni).toEqual({ enabled: true });
    expect(iop.spec.components.ingressGateways[0]).toEqual({
      name: 'istio-ingress',
      namespace: 'istio-ingress',
      enabled: true,
    });
    expect(iop.spec.meshConfig.extensionProviders).toEqual([
      {
        name: 'zipkin',
        zipkin: {
          service: 'jaeger-collector.observability.svc.cluster.local',
          port: 9411,
        },
      },
    ]);
    expect(
      yaml.parse(telemetryYaml).spec.tracing[0].randomSamplingPercentage,
    ).toBe(1);
    expect(codeBlocks(text['istio-operator.yaml'], 'sh')[0]).toContain(
      'istioctl install -f istio-operator.yaml -y',
    );

    const helm = yaml.parseAllDocuments(
      codeBlocks(text['Helm values'], 'yaml')[0],
    );
    expect(helm.map(d => d.errors)).toEqual([[], [], [], []]);
    expect(helm[2].toJS().pilot).toEqual({ cni: { enabled: true } });

    const [kiali, scrape] = codeBlocks(text['Kiali and Prometheus'], 'yaml');
    expect(yaml.parse(kiali).spec.external_services.tracing).toEqual({
      enabled: true,
      provider: 'jaeger',
      internal_url:
        'http://jaeger-query.observability.svc.cluster.local:16685/jaeger',
      use_grpc: true,
    });
    expect(
      yaml.parse(scrape).map((j: { job_name: string }) => j.job_name),
    ).toEqual(['istiod', 'envoy-stats']);
  });

  it('fails at the version check for an unsupported pair, naming why', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [],
      entities: [template],
    });
    const result = await runTemplateTask(server, {
      template,
      values: {
        ...formDefaults(),
        tag: '1.24.2',
        targetKubernetesVersion: 'v1.33.2',
      },
    });
    expect(result.status).toBe('failed');
    expect(result.log.join('\n')).toMatch(
      /Istio 1\.24\.2 is not supported on Kubernetes v1\.33\.2: .*Istio 1\.24 reached end of life on 2025-06-24/,
    );
  });
});
