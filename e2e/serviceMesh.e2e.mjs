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
import {
  istioRequestsDuring,
  launchChromium,
  lowestTextContrast,
  measureMeshPage,
  openSignedIn,
  switchTheme,
} from './lib/browser.mjs';

const baseUrl = process.env.APP_URL ?? 'http://localhost:3000';
const backendUrl = process.env.BACKEND_URL ?? 'http://localhost:7007';
const kubeconfig = path.resolve(
  process.env.DEMO_KUBECONFIG ?? 'node_modules/.cache/demo/kubeconfig',
);
const reportDir = path.resolve(process.env.E2E_REPORT_DIR ?? 'e2e-test-report');
fs.mkdirSync(reportDir, { recursive: true });
// The README's screenshots, taken in the light theme by this run.
const docsDir = path.resolve('docs');

const browser = await launchChromium();
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

/** The tool links the demo's generated config makes for productpage, exactly. */
const PRODUCTPAGE_LINKS = {
  'istio-link-kiali-app':
    'http://localhost:20001/kiali/console/namespaces/istio-demo/applications/productpage',
  'istio-link-kiali-workload':
    'http://localhost:20001/kiali/console/namespaces/istio-demo/workloads/productpage-v1',
  'istio-link-kiali-service':
    'http://localhost:20001/kiali/console/namespaces/istio-demo/services/productpage',
  'istio-link-kiali-graph':
    'http://localhost:20001/kiali/console/graph/namespaces/?namespaces=istio-demo',
  'istio-link-grafana-service':
    'http://localhost:3001/d/istio-service?var-service=productpage.istio-demo.svc.cluster.local&orgId=1',
  'istio-link-grafana-workload':
    'http://localhost:3001/d/istio-workload?var-namespace=istio-demo&var-workload=productpage-v1&orgId=1',
  'istio-link-jaeger-traces':
    'http://localhost:16686/jaeger/search?service=productpage.istio-demo&lookback=1h&limit=20',
};

/**
 * Every per-entity tool link is shown: exactly the expected URL for productpage, and
 * for the others a link of the same tool naming the entity; no "set …" line.
 */
async function assertToolLinks(page, name) {
  for (const [testId, href] of Object.entries(PRODUCTPAGE_LINKS)) {
    const actual = await page.getByTestId(testId).first().getAttribute('href');
    if (name === 'productpage') assert.equal(actual, href, testId);
    else assert.ok(actual?.startsWith(new URL(href).origin), testId);
    if (testId !== 'istio-link-kiali-graph')
      assert.match(actual, new RegExp(name));
  }
  for (const tool of ['kiali', 'grafana', 'jaeger'])
    assert.equal(
      await page.getByTestId(`istio-link-${tool}-missing`).count(),
      0,
    );
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
  const open = (url, ready) => openSignedIn(page, url, ready);

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
    // The demo sets the tools' port-forward addresses: every link is there.
    await assertToolLinks(page, name);
    await assertOidcClusterShown(page, text);
    await page.screenshot({
      path: path.join(reportDir, `service-mesh-${name}.png`),
      fullPage: true,
    });
    results.push({ entity: name, visibleAfterMs: ms });
  }

  // The overview card, in the Overview tab's side column: one value per line, none
  // squeezed into a column narrower than its words.
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
  const status = page.getByTestId('istio-overview-status-value').first();
  const statusBox = await status.boundingBox();
  const lineHeight = await status.evaluate(e =>
    parseFloat(getComputedStyle(e).lineHeight),
  );
  const squeezed = { widthPx: statusBox.width, heightPx: statusBox.height };
  results.push({ overviewStatusValue: squeezed });
  assert.ok(statusBox.width >= 200, `squeezed: ${JSON.stringify(squeezed)}`);
  assert.ok(
    statusBox.height <= 4 * lineHeight,
    `squeezed: ${JSON.stringify(squeezed)}`,
  );
  const overviewCard = page
    .locator('.MuiCard-root')
    .filter({ has: page.getByTestId('istio-overview-status-value') })
    .first();
  await overviewCard.screenshot({
    path: path.join(docsDir, 'overview-card.png'),
  });
  await page.screenshot({
    path: path.join(reportDir, 'overview-card-productpage.png'),
    fullPage: true,
  });

  // The platform engineer's mesh page, from the sidebar: the control plane summary and
  // the top findings on the first screen.
  const meshPage = await measureMeshPage(page, () =>
    page.getByRole('link', { name: 'Service Mesh' }).first().click(),
  );
  results.push({ meshPage });
  assert.ok(meshPage.firstScreenShowsTopFindings, JSON.stringify(meshPage));
  const meshText = await page.locator('body').innerText();
  assert.match(meshText, /1\.28\.1/);
  assert.match(meshText, /v1\.33\.2/);
  assert.match(meshText, /IBS-[A-Z-]+/);
  assert.match(meshText, /Demo mesh \(OIDC sign-in\)/);
  assert.match(meshText, /1\.26\.4/);
  // A group lists its objects when opened, and its fix in a copyable block.
  await page.getByTestId('istio-diagnostic-group').first().click();
  await page.getByTestId('istio-diagnostic-object').first().waitFor();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(docsDir, 'mesh-page.png') });
  await page.setViewportSize({ width: 1440, height: 1800 });
  await page.screenshot({
    path: path.join(reportDir, 'mesh-page.png'),
    fullPage: true,
  });

  // Navigation inside the app (no page load, warm backend): Overview → Service Mesh,
  // in one request to the Istio backend.
  for (const name of ['productpage', 'reviews']) {
    // The entity page's tab (a header link; the overview card links there too).
    const tab = page
      .locator(`a[href="/catalog/default/component/${name}/istio"]`)
      .first();
    // The overview card's own load done first: only the tab's requests are counted.
    await open(
      `${baseUrl}/catalog/default/component/${name}`,
      page.getByTestId('istio-overview-status-value'),
    );
    await tab.waitFor();
    const started = Date.now();
    const requests = await istioRequestsDuring(page, async () => {
      await tab.click();
      await page
        .getByText(/Recommended Sidecar/)
        .first()
        .waitFor({ timeout: 30_000 });
    });
    results.push({
      entity: name,
      tabVisibleAfterClickMs: Date.now() - started,
      istioRequests: requests,
    });
    assert.deepEqual(requests, ['/api/istio/entity']);
  }
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: path.join(docsDir, 'service-mesh-tab.png') });
  await page.setViewportSize({ width: 1440, height: 1800 });

  // The memory picture and the tab are readable in the light and the dark theme.
  for (const theme of ['dark', 'light']) {
    await switchTheme(page, theme);
    const chart = page.getByTestId('istio-memory-per-pod').first();
    await chart.waitFor();
    const contrast = await lowestTextContrast(chart);
    results.push({ theme, memoryChartLowestContrast: contrast });
    assert.ok(contrast >= 4.5, `${theme} theme: text contrast ${contrast}`);
    await page.screenshot({
      path: path.join(reportDir, `service-mesh-reviews-${theme}.png`),
      fullPage: true,
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
  await dialog.screenshot({ path: path.join(docsDir, 'apply-sidecar.png') });
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
    .getByText(/Applied by user:default\/guest on .*per pod before/)
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

  // The mesh namespace template offers the configured clusters to pick from.
  await open(
    `${baseUrl}/create/templates/default/mesh-namespace`,
    page.getByTestId('istio-cluster-picker'),
  );
  await page.getByTestId('istio-cluster-picker').getByRole('button').click();
  const clusterOptions = await page.getByRole('option').allInnerTexts();
  results.push({ clusterPickerOptions: clusterOptions });
  assert.ok(
    clusterOptions.some(o => /Demo mesh \(simulated cluster\)/.test(o)),
    JSON.stringify(clusterOptions),
  );
  await page.keyboard.press('Escape');

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
