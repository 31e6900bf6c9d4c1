// examples/templates/mesh-install-config run by the real scaffolder plugin, as a task
// and as a dry run, against the demo cluster over HTTPS: the form's defaults go through
// istio:version:check (which reads the cluster's Kubernetes version) and
// istio:install-config:render, and the output shows YAML that parses back to what the
// action rendered. The cluster is only read.
import {
  loadScenario,
  startDemoCluster,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import yaml from 'yaml';
import { startTestDemoCluster } from '../__testUtils__/demoClusters';
import {
  dryRunTemplate,
  loadTemplate,
  runTemplateTask,
  templateDirectoryContents,
} from '../__testUtils__/runTemplate';
import { startScaffolderTestBackend } from '../__testUtils__/scaffolderBackend';

jest.setTimeout(120_000);

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startTestDemoCluster();
});
afterAll(() => demo?.stop());

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

const templatePath = 'examples/templates/mesh-install-config/template.yaml';
const template = loadTemplate(templatePath);

/** The defaults the template's form fields declare. */
function templateDefaults(): Record<string, unknown> {
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

/**
 * The form as the scaffolder frontend would submit it untouched: the defaults, and the
 * cluster the IstioClusterPicker picks when it is the only one configured (demo).
 */
function formDefaults(): Record<string, unknown> {
  return { ...templateDefaults(), cluster: 'demo' };
}

/** The fenced blocks of one output text, by language. */
function codeBlocks(content: string, language: string): string[] {
  const pattern = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\\n\`\`\``, 'g');
  return [...content.matchAll(pattern)].map(m => m[1]);
}

type OutputText = { title: string; content: string };

/** The output texts of a template run, by title. */
function textsOf(output: Record<string, unknown>): Record<string, string> {
  return (output.text as OutputText[]).reduce<Record<string, string>>(
    (all, t) => ({ ...all, [t.title]: t.content }),
    {},
  );
}

/** Counts the changes the demo cluster's store makes while `run` runs. */
async function storeChangesDuring<T>(
  cluster: DemoCluster,
  run: () => Promise<T>,
): Promise<{ result: T; changes: number }> {
  let changes = 0;
  const unsubscribe = cluster.store.subscribe(() => {
    changes++;
  });
  try {
    return { result: await run(), changes };
  } finally {
    unsubscribe();
  }
}

describe('examples/templates/mesh-install-config', () => {
  it('asks for a target cluster with the IstioClusterPicker, without a default, and leaves the Kubernetes version to it', () => {
    const [release] = template.spec!.parameters as Array<{
      properties: Record<string, Record<string, unknown>>;
    }>;
    expect(release.properties.cluster).toMatchObject({
      'ui:field': 'IstioClusterPicker',
    });
    expect(templateDefaults().cluster).toBeUndefined();
    expect(templateDefaults().targetKubernetesVersion).toBeUndefined();
  });

  it('renders the default install configuration from the form defaults, for the Kubernetes version read from the demo cluster', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
    });
    const { result, changes } = await storeChangesDuring(demo, () =>
      runTemplateTask(server, { template, values: formDefaults() }),
    );
    expect({ status: result.status, log: result.log }).toEqual({
      status: 'completed',
      log: expect.any(Array),
    });
    expect(changes).toBe(0);
    expect(result.log.join('\n')).toContain(
      'Cluster demo runs Kubernetes v1.33.2; istiod 1.28.1 in istio-system',
    );
    const text = textsOf(result.output!);

    // The default scenario's API server answers /version with v1.33.2.
    expect(demo.scenario.kubernetesVersion).toBe('v1.33.2');
    expect(text['Support check']).toContain(
      'Istio **1.30.1** on Kubernetes **v1.33.2**: **supported**',
    );
    expect(text['Support check']).toContain(
      'Kubernetes version read from cluster `demo`. It runs Istio 1.28.1 (istiod in istio-system).',
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

  it('dry-runs through POST /v2/dry-run: reads the cluster only, and shows the rendered YAML', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
    });
    const before = demo.requestCount();
    const { result: res, changes } = await storeChangesDuring(demo, () =>
      dryRunTemplate(server, {
        template,
        values: formDefaults(),
        directoryContents: templateDirectoryContents(templatePath),
      }),
    );
    expect({
      status: res.status,
      body: res.status === 200 ? {} : res.body,
    }).toEqual({ status: 200, body: {} });
    // Exactly the check's two reads (GET /version, the istiod Deployments); nothing
    // else reached the cluster, and nothing changed in it.
    expect(demo.requestCount() - before).toBe(2);
    expect(changes).toBe(0);

    const text = textsOf(res.body.output);
    expect(text['Support check']).toContain(
      'Istio **1.30.1** on Kubernetes **v1.33.2**: **supported**',
    );
    expect(text['Support check']).toContain(
      'Kubernetes version read from cluster `demo`.',
    );
    const [iopYaml] = codeBlocks(text['istio-operator.yaml'], 'yaml');
    const iop = yaml.parse(iopYaml);
    expect(iop.kind).toBe('IstioOperator');
    expect(iop.spec.tag).toBe('1.30.1');
    // The render step ran in the dry run too: its files are in the resulting workspace.
    const files = res.body.directoryContents as Array<{
      path: string;
      base64Content: string;
    }>;
    const written = files.find(f => f.path.endsWith('istio-operator.yaml'));
    expect(
      yaml.parse(Buffer.from(written!.base64Content, 'base64').toString()),
    ).toEqual(iop);
  });

  it('fails the check for a cluster on a Kubernetes older than the release supports, naming the version read', async () => {
    const older = await startDemoCluster({
      scenario: loadScenario('legacy-sidecars'),
      port: 0,
      metricsPort: 0,
    });
    try {
      const server = await startScaffolderTestBackend({
        clusters: [{ name: 'legacy', demo: older }],
        entities: [template],
      });
      const result = await runTemplateTask(server, {
        template,
        values: { ...formDefaults(), cluster: 'legacy' },
      });
      expect(older.scenario.kubernetesVersion).toBe('v1.31.4');
      expect(result.status).toBe('failed');
      expect(result.log.join('\n')).toMatch(
        /Istio 1\.30\.1 is not supported on Kubernetes v1\.31\.4: /,
      );
    } finally {
      await older.stop();
    }
  });

  it('fails the task with a sanitized message when the cluster rejects the credentials', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
    });
    demo.setFaults([
      { status: 401, message: 'upstream-detail: token rejected by the proxy' },
    ]);
    try {
      const result = await runTemplateTask(server, {
        template,
        values: formDefaults(),
      });
      expect(result.status).toBe('failed');
      const log = result.log.join('\n');
      expect(log).toContain(
        "Could not read the Kubernetes version of cluster 'demo': the cluster rejected the credentials sent (401)",
      );
      expect(log).not.toContain('upstream-detail');
    } finally {
      demo.setFaults([]);
    }
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
