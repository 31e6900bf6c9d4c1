// The plugins with exactly the roles shipped in deploy/rbac/istio-backstage.yaml, on a
// demo cluster that enforces RBAC per resource and verb: everything answers; with one
// rule taken away, only the facts resting on it become unknown, with a 403 saying so.
import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials } from '@backstage/backend-test-utils';
import {
  loadScenario,
  policyRulesFromYaml,
  RESOURCE_TYPES,
  startDemoCluster,
  type DemoCluster,
  type PolicyRule,
  type Scenario,
} from '@istio-backstage/demo-cluster';
import type {
  IstioMeshConfigResponse,
  IstioSidecarMemoryResponse,
} from '@istio-backstage/plugin-istio-common';
import request from 'supertest';
import { approvedApply } from './__testUtils__/approvedApply';
import yaml from 'yaml';
import { bookinfoEntities } from './__testUtils__/bookinfoEntities';
import { startIstioBackend } from './__testUtils__/startIstioBackend';

jest.setTimeout(60_000);

const ROLES_FILE = path.resolve(
  __dirname,
  '../../../deploy/rbac/istio-backstage.yaml',
);
const TOKEN = 'least-privilege-token';
const APP_NAMESPACE = 'istio-demo';

/** Each role of the shipped file by name: its namespace (Roles) and rules. */
function shippedRoles(): Map<
  string,
  { namespace?: string; rules: PolicyRule[] }
> {
  const roles = new Map<string, { namespace?: string; rules: PolicyRule[] }>();
  for (const doc of yaml.parseAllDocuments(
    fs.readFileSync(ROLES_FILE, 'utf8'),
  )) {
    const role = doc.toJS() as {
      metadata: { name: string; namespace?: string };
    };
    roles.set(role.metadata.name, {
      namespace: role.metadata.namespace,
      rules: policyRulesFromYaml(String(doc)),
    });
  }
  return roles;
}

/**
 * The token's grants as the example bindings make them: the reader cluster-wide, the
 * control-plane Role in its namespace, the Sidecar writer in the app namespace.
 */
function grants(
  change: (roles: ReturnType<typeof shippedRoles>) => void = () => {},
) {
  const roles = shippedRoles();
  change(roles);
  const reader = roles.get('istio-backstage-reader')!;
  const controlPlane = roles.get('istio-backstage-control-plane')!;
  const writer = roles.get('istio-backstage-sidecar-writer')!;
  return {
    rules: reader.rules,
    namespaceRules: {
      [controlPlane.namespace!]: controlPlane.rules,
      [APP_NAMESPACE]: writer.rules,
    },
  };
}

let demo: DemoCluster | undefined;
afterEach(() => demo?.stop());

async function backendWith(grant: ReturnType<typeof grants>) {
  const scenario: Scenario = loadScenario('default');
  demo = await startDemoCluster({
    scenario: {
      ...scenario,
      memoryConvergenceSeconds: 0,
      auth: {
        ...scenario.auth,
        tokens: [
          {
            token: TOKEN,
            user: 'system:serviceaccount:backstage:backstage',
            ...grant,
          },
        ],
      },
    },
    port: 0,
    metricsPort: 0,
  });
  return startIstioBackend(
    [{ name: 'demo', demo, token: TOKEN }],
    [],
    bookinfoEntities,
    { apply: { settleSeconds: 0 } },
  );
}

const user = () => mockCredentials.user.header();

/** The demo cluster's mesh-config answer. */
async function meshConfigOf(server: Parameters<typeof request>[0]) {
  const mesh = await request(server)
    .get('/api/istio/mesh-config?cluster=demo')
    .set('Authorization', user());
  expect(mesh.status).toBe(200);
  return (mesh.body as IstioMeshConfigResponse).items[0];
}

describe('the shipped least-privilege roles', () => {
  it('are enough for mesh-config, sidecar-memory and an apply', async () => {
    const server = await backendWith(grants());
    const mesh = await request(server)
      .get('/api/istio/mesh-config?cluster=demo')
      .set('Authorization', user());
    expect(mesh.status).toBe(200);
    const meshBody = mesh.body as IstioMeshConfigResponse;
    expect(meshBody.errors).toEqual([]);
    expect(meshBody.items[0].errors).toEqual([]);
    expect(meshBody.items[0].controlPlanes.length).toBeGreaterThan(0);

    const memory = await request(server)
      .get('/api/istio/sidecar-memory?entityRef=component:default/productpage')
      .set('Authorization', user());
    expect(memory.status).toBe(200);
    const memoryBody = memory.body as IstioSidecarMemoryResponse;
    expect(memoryBody.errors).toEqual([]);
    expect(
      memoryBody.items
        .flatMap(i => i.errors)
        .filter(e => e.errorType === 'Forbidden'),
    ).toEqual([]);

    const applied = await approvedApply(
      server,
      {
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: APP_NAMESPACE,
      },
      user(),
    );
    expect(applied.status).toBe(200);
    const sidecars = RESOURCE_TYPES.find(t => t.plural === 'sidecars')!;
    expect(demo!.store.list(sidecars, APP_NAMESPACE)).toHaveLength(1);
  });

  it('without the Telemetry rule: tracing is unknown with a 403, the rest still answers', async () => {
    const server = await backendWith(
      grants(roles => {
        const reader = roles.get('istio-backstage-reader')!;
        reader.rules = reader.rules.filter(
          r => !r.apiGroups.includes('telemetry.istio.io'),
        );
      }),
    );
    const item = await meshConfigOf(server);
    expect(item.errors).toEqual([
      expect.objectContaining({
        source: 'istio:telemetries',
        errorType: 'Forbidden',
      }),
    ]);
    expect(item.controlPlanes.length).toBeGreaterThan(0);
  });

  it('without the control-plane Role: MeshConfig is unknown with a 403, the rest still answers', async () => {
    const server = await backendWith(
      grants(roles => {
        roles.get('istio-backstage-control-plane')!.rules = [];
      }),
    );
    const item = await meshConfigOf(server);
    expect(item.errors).toEqual([
      expect.objectContaining({
        source: 'kubernetes:configmaps',
        errorType: 'Forbidden',
      }),
    ]);
    expect(item.controlPlanes.length).toBeGreaterThan(0);
  });

  it('without the Sidecar writer: the apply is refused with a 403 and nothing changes', async () => {
    const server = await backendWith(
      grants(roles => {
        roles.get('istio-backstage-sidecar-writer')!.rules = [];
      }),
    );
    const applied = await request(server)
      .post('/api/istio/sidecars')
      .set('Authorization', user())
      .send({
        entityRef: 'component:default/productpage',
        cluster: 'demo',
        namespace: APP_NAMESPACE,
        dryRun: true,
      });
    expect(applied.status).toBe(403);
    const sidecars = RESOURCE_TYPES.find(t => t.plural === 'sidecars')!;
    expect(demo!.store.list(sidecars, APP_NAMESPACE)).toEqual([]);
  });
});
