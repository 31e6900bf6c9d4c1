#!/usr/bin/env node
// Starts the demo exactly as the README's start command does and checks that it
// serves the app and backend, that no backend plugin failed to start, that guest
// sign-in works and the demo catalog is loaded. Part of the full test command.
import fs from 'node:fs';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import {
  runStep,
  startService,
  stopService,
  waitForHttp,
} from './lib/processes.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);
const START_DEADLINE_MS = 180_000;
/** The scale generator's size for the second run: namespaces × services × pods. */
const SCALE = '200x10x5';
const logFile = path.join(repoRoot, 'node_modules/.cache/smoke-start.log');
fs.mkdirSync(path.dirname(logFile), { recursive: true });
const log = fs.openSync(logFile, 'w');

const started = Date.now();
/** The demo as the README starts it; `env` adds settings such as DEMO_SCALE. */
const startDemo = (env = {}) =>
  startService(toolchain.node, ['scripts/start-demo.mjs'], {
    cwd: repoRoot,
    env: { ...toolchain.env, BROWSER: 'none', ...env },
    stdio: ['ignore', log, log],
  });
let demo = startDemo();

const failures = [];
function check(condition, message) {
  if (!condition) failures.push(message);
}

try {
  await waitForHttp('http://localhost:7007/api/istio/health', {
    timeoutMs: START_DEADLINE_MS,
    isReady: r => r.status === 200,
  });
  await waitForHttp('http://localhost:3000/', {
    timeoutMs: START_DEADLINE_MS - (Date.now() - started),
    isReady: r => r.status === 200 && r.body.includes('<div id="root">'),
  });
  process.stdout.write(
    `app and backend up after ${Math.round((Date.now() - started) / 1000)}s\n`,
  );

  const session = await fetch(
    'http://localhost:7007/api/auth/guest/refresh?env=development',
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  check(session.ok, `guest sign-in answered ${session.status}`);
  const token = session.ok
    ? (await session.json()).backstageIdentity?.token
    : undefined;
  const auth = { Authorization: `Bearer ${token}` };

  // The catalog reads its file locations shortly after start; give it a moment.
  const entity = await waitForHttp(
    'http://localhost:7007/api/catalog/entities/by-name/component/default/productpage',
    { timeoutMs: 60_000, headers: auth, isReady: r => r.status === 200 },
  ).catch(error => ({ error }));
  check(
    !entity.error,
    `productpage not in the catalog: ${entity.error?.message}`,
  );

  const clusters = await fetch('http://localhost:7007/api/istio/clusters', {
    headers: auth,
  });
  check(
    clusters.status === 200,
    `GET /api/istio/clusters as guest answered ${clusters.status}`,
  );
  // The Kubernetes plugin reads the demo cluster with the generated config (token + CA),
  // and demo-oidc with the guest's ID token from the demo OIDC provider, sent in the
  // request's `auth` as the Kubernetes frontend plugin sends it.
  const oidc = await fetch(
    'http://localhost:7007/api/demo-oidc-provider/token',
    {
      headers: auth,
    },
  );
  check(oidc.ok, `the demo OIDC provider answered ${oidc.status}`);
  const { idToken } = oidc.ok ? await oidc.json() : {};
  const workloads = await fetch(
    'http://localhost:7007/api/kubernetes/resources/workloads/query',
    {
      method: 'POST',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        entityRef: 'component:default/productpage',
        auth: { oidc: { demo: idToken } },
      }),
    },
  );
  const workloadBody = workloads.ok ? await workloads.json() : {};
  const podsIn = cluster =>
    (workloadBody.items ?? [])
      .filter(item => item.cluster?.name === cluster)
      .flatMap(item => item.resources ?? [])
      .filter(r => r.type === 'pods')
      .flatMap(r => r.resources ?? []);
  const pods = ['demo', 'demo-oidc'].map(podsIn);
  check(
    workloads.ok &&
      pods.every(
        list =>
          list.length === 1 && list[0].metadata.namespace === 'istio-demo',
      ),
    `Kubernetes plugin workloads for productpage: HTTP ${
      workloads.status
    }, ${pods
      .map(list => list.length)
      .join(' and ')} pods in demo and demo-oidc, errors ${JSON.stringify(
      (workloadBody.items ?? []).flatMap(i => i.errors ?? []),
    )}`,
  );
  const anonymous = await fetch('http://localhost:7007/api/istio/clusters');
  check(
    anonymous.status === 401,
    `GET /api/istio/clusters without a token answered ${anonymous.status}`,
  );
  // End to end in Debian's Chromium while the demo runs.
  if (failures.length === 0) {
    const e2e = await runStep(toolchain.node, ['e2e/serviceMesh.e2e.mjs'], {
      cwd: repoRoot,
      env: toolchain.env,
    });
    check(
      e2e === 0,
      'the end-to-end test failed (screenshots in e2e-test-report/)',
    );
  }
  // Again at the scale generator's size, for the mesh page at mesh scale.
  if (failures.length === 0) {
    await stopService(demo, 10_000);
    demo = startDemo({ DEMO_SCALE: SCALE, DEMO_OIDC_CLUSTER: '0' });
    await waitForHttp('http://localhost:7007/api/istio/health', {
      timeoutMs: START_DEADLINE_MS,
      isReady: r => r.status === 200,
    });
    await waitForHttp('http://localhost:3000/', {
      timeoutMs: START_DEADLINE_MS,
      isReady: r => r.status === 200 && r.body.includes('<div id="root">'),
    });
    const scaled = await runStep(toolchain.node, ['e2e/meshScale.e2e.mjs'], {
      cwd: repoRoot,
      env: { ...toolchain.env, DEMO_SCALE: SCALE },
    });
    check(
      scaled === 0,
      `the end-to-end test at scale ${SCALE} failed (e2e-test-report/results-scale.json)`,
    );
  }
} catch (error) {
  failures.push(error.message);
} finally {
  await stopService(demo, 10_000);
}

const output = fs.readFileSync(logFile, 'utf8');
for (const pattern of [
  /startup failed/i,
  /Backend startup failed/i,
  /plugin '[^']+' .*failed/i,
]) {
  const match = output.match(pattern);
  check(!match, `start-up log has "${match?.[0]}" (see ${logFile})`);
}

if (failures.length > 0) {
  process.stderr.write(
    `demo start-up check failed:\n- ${failures.join('\n- ')}\n`,
  );
  process.stderr.write(
    `--- last lines of ${logFile} ---\n${output
      .split('\n')
      .slice(-40)
      .join('\n')}\n`,
  );
  process.exit(1);
}
process.stdout.write('demo start-up check passed\n');
