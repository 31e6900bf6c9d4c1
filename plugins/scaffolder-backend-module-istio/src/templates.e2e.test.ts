// The example templates, run end to end: a real backend with the real scaffolder
// plugin and this module, the template read from examples/templates, run through the
// scaffolder's HTTP API against the demo cluster over HTTPS.
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  RESOURCE_TYPES,
  type DemoCluster,
} from '@istio-backstage/demo-cluster';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { startTestDemoCluster } from './__testUtils__/demoClusters';
import {
  cancelTask,
  dryRunTemplate,
  loadTemplate,
  REPO_ROOT,
  runTemplateTask,
  startTemplateTask,
  templateDirectoryContents,
  waitForTask,
} from './__testUtils__/runTemplate';
import { startScaffolderTestBackend } from './__testUtils__/scaffolderBackend';

jest.setTimeout(120_000);

const type = (plural: string) => RESOURCE_TYPES.find(t => t.plural === plural)!;

let demo: DemoCluster;
beforeAll(async () => {
  demo = await startTestDemoCluster();
});
afterAll(() => demo?.stop());

describe('examples/templates/mesh-namespace', () => {
  const templatePath = 'examples/templates/mesh-namespace/template.yaml';
  const template = loadTemplate(templatePath);
  const values = (namespace: string) => ({
    cluster: 'demo',
    namespace,
    owner: 'group:default/platform-team',
    dataPlaneMode: 'sidecar',
    tracingSampling: 5,
    mtls: 'STRICT',
    defaultSidecar: true,
  });
  const stored = (ns: string) => ({
    namespace: demo.store.get(type('namespaces'), undefined, ns),
    sidecar: demo.store.get(type('sidecars'), ns, 'default'),
    telemetry: demo.store.get(type('telemetries'), ns, 'default'),
    peerAuthentication: demo.store.get(
      type('peerauthentications'),
      ns,
      'default',
    ),
  });

  it('is registered in the demo catalog (app-config.yaml), as a Template location', () => {
    const config = yaml.parse(
      fs.readFileSync(path.join(REPO_ROOT, 'app-config.yaml'), 'utf8'),
    );
    // Catalog file locations are relative to the backend process (packages/backend).
    const location = (
      config.catalog.locations as Array<{
        type: string;
        target: string;
        rules?: Array<{ allow: string[] }>;
      }>
    ).find(
      l =>
        l.type === 'file' &&
        path.resolve(REPO_ROOT, 'packages/backend', l.target) ===
          path.join(REPO_ROOT, templatePath),
    );
    expect(location?.rules).toEqual([{ allow: ['Template'] }]);
  });

  it('dry-runs through POST /v2/dry-run without writing anything, and shows what it would do', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
    });
    const res = await dryRunTemplate(server, {
      template,
      values: values('e2e-dry'),
      directoryContents: templateDirectoryContents(templatePath),
    });
    expect(res.status).toBe(200);
    expect(stored('e2e-dry')).toEqual({
      namespace: undefined,
      sidecar: undefined,
      telemetry: undefined,
      peerAuthentication: undefined,
    });
    // catalog:write supports dry runs: the entity is in the resulting workspace.
    const files = res.body.directoryContents as Array<{
      path: string;
      base64Content: string;
    }>;
    const catalogInfo = files.find(f => f.path === 'catalog-info.yaml');
    expect(
      yaml.parse(Buffer.from(catalogInfo!.base64Content, 'base64').toString()),
    ).toEqual({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'e2e-dry',
        description: 'Istio mesh namespace e2e-dry on cluster demo',
        annotations: {
          'backstage.io/kubernetes-namespace': 'e2e-dry',
          'backstage.io/kubernetes-id': 'e2e-dry',
          'backstage.io/kubernetes-cluster': 'demo',
          'backstage.io/source-template': 'template:default/dry-run',
        },
      },
      spec: {
        type: 'kubernetes-namespace',
        owner: 'group:default/platform-team',
      },
    });
    const text = (res.body.output.text as Array<{ content: string }>)
      .map(t => t.content)
      .join('\n');
    expect(text).toMatch(/dry run: nothing was written/);
    expect(text).toMatch(/- Namespace `e2e-dry`: created/);
    expect(text).toMatch(/- Telemetry `default`: created/);
  });

  it('dry-runs a namespace bound to a revision: the note names the istiod that injects it', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
    });
    const res = await dryRunTemplate(server, {
      template,
      values: { ...values('e2e-rev'), revision: 'default' },
      directoryContents: templateDirectoryContents(templatePath),
    });
    expect(res.status).toBe(200);
    const text = (res.body.output.text as Array<{ content: string }>)
      .map(t => t.content)
      .join('\n');
    expect(text).toMatch(
      /istio\.io\/rev=default: injected by revision default \(istiod in istio-system/,
    );
    expect(stored('e2e-rev').namespace).toBeUndefined();
  });

  it('creates the namespace through POST /v2/tasks: the demo cluster then holds it, labelled', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
    });
    const task = await runTemplateTask(server, {
      template,
      values: values('e2e-team'),
    });
    expect({ status: task.status, log: task.log }).toMatchObject({
      status: 'completed',
    });
    const now = stored('e2e-team');
    expect(now.namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio-injection': 'enabled',
    });
    expect(now.namespace?.metadata.annotations).toEqual({
      'istio-backstage.io/owner': 'group:default/platform-team',
    });
    expect(now.sidecar?.spec).toEqual({
      egress: [{ hosts: ['./*', 'istio-system/*'] }],
    });
    expect(now.telemetry?.spec).toEqual({
      tracing: [{ randomSamplingPercentage: 5 }],
    });
    expect(now.peerAuthentication?.spec).toEqual({ mtls: { mode: 'STRICT' } });
    const text = (task.output?.text as Array<{ content: string }>)
      .map(t => t.content)
      .join('\n');
    expect(text).not.toMatch(/dry run/);
    expect(text).toMatch(/- PeerAuthentication `default`: created/);
    expect(text).toMatch(/backstage.io\/kubernetes-id: e2e-team/);

    // The same task again is idempotent.
    const again = await runTemplateTask(server, {
      template,
      values: values('e2e-team'),
    });
    expect(again.status).toBe('completed');
    expect(again.log.join('\n')).toMatch(/Namespace e2e-team: unchanged/);
  });

  it('creates an ambient namespace without a Sidecar', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
    });
    const task = await runTemplateTask(server, {
      template,
      values: {
        ...values('e2e-ambient'),
        dataPlaneMode: 'ambient',
        mtls: 'PERMISSIVE',
      },
    });
    expect(task.status).toBe('completed');
    const now = stored('e2e-ambient');
    expect(now.namespace?.metadata.labels).toEqual({
      'app.kubernetes.io/managed-by': 'backstage-istio',
      'istio.io/dataplane-mode': 'ambient',
    });
    expect(now.sidecar).toBeUndefined();
    expect(now.peerAuthentication?.spec).toEqual({
      mtls: { mode: 'PERMISSIVE' },
    });
  });

  it('stops a task cancelled mid-way before its next write; running the template again completes the namespace', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
      istio: { requestTimeoutMs: 6000 },
    });
    // Checking the Sidecar is slow, so the task is cancelled while it runs (the
    // scaffolder notices a cancellation within about a second).
    demo.setFaults([
      { pathPattern: '/sidecars/', method: 'PATCH', latencyMs: 2500 },
    ]);
    try {
      const id = await startTemplateTask(server, {
        template,
        values: values('e2e-cancel'),
      });
      const deadline = Date.now() + 10_000;
      while (!stored('e2e-cancel').namespace && Date.now() < deadline)
        await new Promise(resolve => setTimeout(resolve, 20));
      await cancelTask(server, id);
      const task = await waitForTask(server, id);
      // The scaffolder records the cancellation as an event; the task ends as failed.
      expect(task.status).toBe('failed');
      expect(task.events.map(e => e.type)).toContain('cancelled');
      expect(task.log.join('\n')).toMatch(
        /Cancelled before .*Already written and valid on their own: Namespace e2e-cancel; running the action again completes the namespace/,
      );
    } finally {
      demo.setFaults([]);
    }
    const partial = stored('e2e-cancel');
    expect(partial.namespace?.metadata.labels).toMatchObject({
      'istio-injection': 'enabled',
    });
    expect(partial.sidecar).toBeUndefined();
    expect(partial.telemetry).toBeUndefined();

    const again = await runTemplateTask(server, {
      template,
      values: values('e2e-cancel'),
    });
    expect(again.status).toBe('completed');
    expect(again.log.join('\n')).toMatch(/Namespace e2e-cancel: unchanged/);
    expect(stored('e2e-cancel').telemetry?.spec).toEqual({
      tracing: [{ randomSamplingPercentage: 5 }],
    });
  });

  it('fails the task with the conflict for a namespace someone else owns, changing nothing', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
    });
    const before = stored('istio-demo');
    const task = await runTemplateTask(server, {
      template,
      values: values('istio-demo'),
    });
    expect(task.status).toBe('failed');
    expect(task.log.join('\n')).toMatch(
      /ConflictError: Namespace 'istio-demo' already exists in cluster 'demo' and was not created by Backstage/,
    );
    expect(stored('istio-demo')).toEqual(before);
  });

  it('fails a re-run by someone outside the owner team, who would take the namespace over, changing nothing', async () => {
    const owners = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
    });
    const created = await runTemplateTask(owners, {
      template,
      values: values('e2e-owned'),
    });
    expect(created.status).toBe('completed');
    const before = stored('e2e-owned');

    const outsider = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
      initiatorGroups: ['group:default/tools-team'],
    });
    const task = await runTemplateTask(outsider, {
      template,
      values: {
        ...values('e2e-owned'),
        owner: 'group:default/tools-team',
        mtls: 'PERMISSIVE',
      },
    });
    expect(task.status).toBe('failed');
    expect(task.log.join('\n')).toMatch(
      /NotAllowedError: Namespace 'e2e-owned' in cluster 'demo' is owned by group:default\/platform-team; only its owner or a platform group/,
    );
    expect(stored('e2e-owned')).toEqual(before);
  });

  it('fails the task without a cluster call when istio.namespace.create is denied', async () => {
    const server = await startScaffolderTestBackend({
      clusters: [{ name: 'demo', demo }],
      entities: [template],
      decide: name =>
        name === 'istio.namespace.create'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    const before = demo.requestCount();
    const task = await runTemplateTask(server, {
      template,
      values: values('e2e-denied'),
    });
    expect(task.status).toBe('failed');
    expect(task.log.join('\n')).toMatch(
      /NotAllowedError: Not allowed to create mesh namespaces \(istio.namespace.create\)/,
    );
    expect(demo.requestCount()).toBe(before);
    expect(stored('e2e-denied').namespace).toBeUndefined();
  });
});

describe('the example templates', () => {
  it.each([
    'examples/templates/mesh-namespace/template.yaml',
    'examples/templates/mesh-install-config/template.yaml',
  ])(
    '%s asks for the cluster with the IstioClusterPicker field, with no default cluster',
    templatePath => {
      const pages = loadTemplate(templatePath).spec!.parameters as Array<{
        properties: Record<string, Record<string, unknown>>;
      }>;
      const cluster = pages.map(p => p.properties.cluster).find(Boolean);
      expect(cluster).toMatchObject({
        type: 'string',
        'ui:field': 'IstioClusterPicker',
      });
      // A default would name a cluster that another Backstage may not have.
      expect(cluster).not.toHaveProperty('default');
    },
  );
});
