#!/usr/bin/env node
// End to end: the running demo (app, backend, demo cluster, Prometheus) in Debian's
// Chromium driven by playwright-core. Signs in as guest, opens productpage's Service
// Mesh tab and checks each card shows the demo cluster's real values, and those of the
// demo-oidc cluster, which the backend reads with the guest's token from the demo OIDC
// provider (app → backend → cluster); saves a screenshot per check to e2e-test-report/.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const baseUrl = process.env.APP_URL ?? 'http://localhost:3000';
const backendUrl = process.env.BACKEND_URL ?? 'http://localhost:7007';
const kubeconfig = path.resolve(
  process.env.DEMO_KUBECONFIG ?? 'node_modules/.cache/demo/kubeconfig',
);
const reportDir = path.resolve(process.env.E2E_REPORT_DIR ?? 'e2e-test-report');
fs.mkdirSync(reportDir, { recursive: true });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const results = [];

function kubectl(args) {
  return execFileSync('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    encoding: 'utf8',
  });
}

/** Names of the Sidecars in istio-demo that our field manager wrote. */
function ourSidecars() {
  // kubectl hides managedFields unless asked.
  const list = JSON.parse(
    kubectl([
      'get',
      'sidecars',
      '-n',
      'istio-demo',
      '-o',
      'json',
      '--show-managed-fields',
    ]),
  );
  // Each entity's Sidecars carry its own field manager and its ref.
  return list.items
    .filter(
      s =>
        s.metadata.managedFields?.some(f =>
          f.manager.startsWith('backstage-istio/component.default.'),
        ) && s.metadata.annotations?.['istio-backstage.io/entity'],
    )
    .map(s => s.metadata.name);
}

/** The backend as the guest, from outside the browser (what a script could try). */
async function backend(urlPath, { method = 'GET', body } = {}) {
  const session = await fetch(
    `${backendUrl}/api/auth/guest/refresh?env=development`,
    { headers: { 'X-Requested-With': 'XMLHttpRequest' } },
  );
  const { token } = (await session.json()).backstageIdentity;
  const response = await fetch(`${backendUrl}${urlPath}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
    },
    body: body && JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
}

/** Whether a browser request is an apply (dry run or real) sent to the backend. */
function isApplyRequest(request) {
  return (
    request.method() === 'POST' &&
    new URL(request.url()).pathname === '/api/istio/sidecars'
  );
}

/** The card whose title is `title`, e.g. `Sidecar scoping — demo-oidc/istio-demo`. */
function card(page, title) {
  return page
    .locator('.MuiCard-root')
    .filter({ has: page.getByText(title, { exact: true }) });
}

/**
 * The demo-oidc cluster's own values on an entity's Service Mesh tab: it answers only
 * to the guest's OIDC ID token, so these show that the app got the token from the demo
 * OIDC provider and sent it, and that the backend read the cluster with it.
 */
async function assertOidcClusterShown(page, text) {
  assert.doesNotMatch(text, /Cluster demo-oidc could not be read/);
  assert.match(text, /Demo mesh \(OIDC sign-in\)/);
  // Its scenario runs Istio 1.26 on Kubernetes 1.31 (the other cluster 1.28 on 1.33).
  assert.match(text, /Istio 1\.26\.4 on Kubernetes v1\.31\.4/);
  const scoping = await card(
    page,
    'Sidecar scoping — demo-oidc/istio-demo',
  ).innerText();
  assert.match(scoping, /-v\d-[a-z0-9]+-[a-z0-9]+/);
  assert.match(scoping, /\d+(\.\d)? MiB/);
}
try {
  const page = await browser.newPage({
    viewport: { width: 1440, height: 1800 },
  });
  // The dev server compiles the app on first load; give that time, then expect speed.
  page.setDefaultTimeout(180_000);
  /** Navigates; a full page load may show the guest sign-in again, so enter when asked. */
  async function open(url, ready) {
    await page.goto(url);
    const enter = page.getByRole('button', { name: 'Enter' });
    // Enter whenever the sign-in page shows (again), until the page is ready.
    for (;;) {
      await ready.or(enter).first().waitFor();
      if (await ready.first().isVisible()) return;
      await enter.click({ timeout: 5_000 }).catch(() => undefined);
    }
  }

  for (const name of ['productpage', 'details', 'reviews', 'ratings']) {
    const started = Date.now();
    await open(
      `${baseUrl}/catalog/default/component/${name}/istio`,
      page.getByText('Mesh status'),
    );
    await page
      .getByText(/Recommended Sidecar/)
      .first()
      .waitFor({ timeout: 30_000 });
    const ms = Date.now() - started;
    const text = await page.locator('main').innerText();
    // Values the demo cluster really has.
    assert.match(text, /istio-demo/);
    assert.match(text, /Istio 1\.28\.1 on Kubernetes v1\.33\.2/);
    assert.match(text, /jaeger-collector\.observability:9411/);
    assert.match(text, /\d+(\.\d)? MiB/);
    assert.match(text, /istio-system\/\*/);
    // The demo configures no Kiali: the card says so instead of linking nowhere.
    assert.match(text, /Kiali: application: no Kiali URL configured/);
    await assertOidcClusterShown(page, text);
    await page.screenshot({
      path: path.join(reportDir, `service-mesh-${name}.png`),
      fullPage: true,
    });
    results.push({ entity: name, visibleAfterMs: ms });
  }

  // The overview card: one line each for mesh status, memory and savings.
  await open(
    `${baseUrl}/catalog/default/component/productpage`,
    page.getByText('Estimated saving'),
  );
  const overview = await page.locator('main').innerText();
  // One pod in each cluster, the demo-oidc one read with the guest's OIDC token.
  assert.match(
    overview,
    /2 of 2 pods in the mesh: .* — clusters demo, demo-oidc/,
  );
  assert.match(overview, /istio-proxy memory now\s+\d+(\.\d)? MiB/);
  // A range over the two clusters' pods, e.g. `2.3 MiB–180 MiB per pod`.
  assert.match(
    overview,
    /Estimated saving\s+\d+(\.\d)? MiB(–\d+(\.\d)? MiB)? per pod/,
  );
  await page.screenshot({
    path: path.join(reportDir, 'overview-card-productpage.png'),
    fullPage: true,
  });

  // The platform engineer's mesh page, from the sidebar.
  await page.getByRole('link', { name: 'Service Mesh' }).first().click();
  await page
    .getByText(/Diagnostics — /)
    .first()
    .waitFor();
  const meshPage = await page.locator('body').innerText();
  assert.match(meshPage, /1\.28\.1/);
  assert.match(meshPage, /v1\.33\.2/);
  assert.match(meshPage, /IBS-[A-Z-]+/);
  assert.match(meshPage, /Demo mesh \(OIDC sign-in\)/);
  assert.match(meshPage, /1\.26\.4/);
  await page.screenshot({
    path: path.join(reportDir, 'mesh-page.png'),
    fullPage: true,
  });

  // Navigation inside the app (no page load, warm backend): Overview → Service Mesh.
  for (const name of ['productpage', 'reviews']) {
    // The entity page's tab (a header link; the overview card links there too).
    const tab = page
      .locator(`a[href="/catalog/default/component/${name}/istio"]`)
      .first();
    await open(`${baseUrl}/catalog/default/component/${name}`, tab);
    const started = Date.now();
    await tab.click();
    await page
      .getByText(/Recommended Sidecar/)
      .first()
      .waitFor({ timeout: 30_000 });
    results.push({
      entity: name,
      tabVisibleAfterClickMs: Date.now() - started,
    });
  }

  // An owner applies the recommendation: dry run and its change first, then for real.
  // Start from a cluster without our Sidecars, so a re-run against the same demo works too.
  for (const name of ourSidecars())
    kubectl(['delete', 'sidecar', name, '-n', 'istio-demo']);
  await page.reload();
  await page
    .getByText(/Recommended Sidecar/)
    .first()
    .waitFor({ timeout: 30_000 });
  // The real apply must send back the digest of the dry run the dialog showed.
  const dryRunAnswer = page.waitForResponse(
    r => isApplyRequest(r.request()) && r.request().postDataJSON().dryRun,
  );
  await page
    .getByRole('button', { name: /Apply Sidecar/ })
    .first()
    .click();
  const { digest } = await (await dryRunAnswer).json();
  assert.ok(digest, 'the dry run answered no digest');
  await page.getByText(/Dry run accepted by the cluster/).waitFor();
  const dialog = page.getByRole('dialog');
  assert.match(await dialog.innerText(), /Sidecar \S+ will be created/);
  await page.screenshot({
    path: path.join(reportDir, 'apply-dry-run.png'),
    fullPage: true,
  });
  const realApply = page.waitForRequest(
    r => isApplyRequest(r) && r.postDataJSON().dryRun === false,
  );
  await dialog.getByRole('button', { name: 'Apply', exact: true }).click();
  assert.equal((await realApply).postDataJSON().digest, digest);
  await page.getByText(/^Applied\./).waitFor();
  assert.match(await dialog.innerText(), /kind: Sidecar/);
  await dialog.getByRole('button', { name: 'Close' }).click();
  // The reload shows who applied and the memory before: the measured-saving view.
  await page
    .getByText(/Applied by user:default\/guest at .*per pod before/)
    .waitFor();
  await page.screenshot({
    path: path.join(reportDir, 'apply-done.png'),
    fullPage: true,
  });
  // The demo cluster holds it, managed by our field manager (read with kubectl).
  const ours = ourSidecars();
  assert.ok(
    ours.length > 0,
    'no Sidecar applied for an entity through Backstage',
  );
  results.push({ appliedSidecars: ours });

  // A non-owner (payments-team owns payments-api): no Apply button, and the backend refuses.
  await open(
    `${baseUrl}/catalog/default/component/payments-api/istio`,
    page.getByText('Mesh status'),
  );
  await page
    .getByText(/Recommended Sidecar/)
    .first()
    .waitFor({ timeout: 30_000 });
  assert.equal(
    await page.getByRole('button', { name: /Apply Sidecar/ }).count(),
    0,
  );
  const refused = await backend('/api/istio/sidecars', {
    method: 'POST',
    body: {
      entityRef: 'component:default/payments-api',
      cluster: 'demo',
      namespace: 'payments',
      dryRun: true,
    },
  });
  assert.equal(refused.status, 403);
  assert.match(refused.body, /Not allowed to apply Sidecars/);
  results.push({ nonOwnerApply: refused.status });

  // The tab is registered only for entities with Kubernetes annotations: the bookinfo system has none.
  await open(
    `${baseUrl}/catalog/default/system/bookinfo`,
    page.getByText('bookinfo').first(),
  );
  // Wait for the entity page's tabs (links under the entity path), then look for ours.
  await page
    .locator('a[href^="/catalog/default/system/bookinfo"]')
    .first()
    .waitFor();
  assert.equal(
    await page
      .locator('a[href="/catalog/default/system/bookinfo/istio"]')
      .count(),
    0,
  );
} catch (error) {
  const pages = browser.contexts().flatMap(c => c.pages());
  if (pages[0])
    await pages[0].screenshot({
      path: path.join(reportDir, 'failure.png'),
      fullPage: true,
    });
  throw error;
} finally {
  await browser.close();
}
fs.writeFileSync(
  path.join(reportDir, 'results.json'),
  `${JSON.stringify(results, null, 2)}\n`,
);
process.stdout.write(`${JSON.stringify(results)}\n`);
