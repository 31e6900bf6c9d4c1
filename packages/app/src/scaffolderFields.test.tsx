// The demo app as `app.packages: all` builds it: every frontend plugin among this
// package's dependencies, discovered. Opening a template that asks for a cluster with
// `ui:field: IstioClusterPicker` must show the Istio plugin's picker, filled from
// /api/istio/clusters: the scaffolder plugin collects it from the Istio plugin.
import { screen, render, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import fs from 'node:fs';
import path from 'node:path';
import App from './App';

// Rendering the whole app with every plugin takes a while in jsdom.
jest.setTimeout(60_000);

/** A template page that asks for a cluster, as the scaffolder backend serves it. */
const parameterSchema = {
  title: 'Istio mesh namespace',
  steps: [
    {
      title: 'Namespace',
      schema: {
        type: 'object',
        required: ['cluster'],
        properties: {
          cluster: {
            title: 'Cluster',
            type: 'string',
            'ui:field': 'IstioClusterPicker',
          },
        },
      },
    },
  ],
};

const clusters = {
  items: [
    {
      name: 'demo',
      title: 'Demo cluster',
      links: {},
      prometheusConfigured: false,
      authProvider: 'serviceAccount',
    },
    {
      name: 'demo-oidc',
      links: {},
      prometheusConfigured: false,
      authProvider: 'oidc',
      oidcTokenProvider: 'demo',
    },
  ],
  unusable: [],
};

/**
 * What the CLI's `app.packages: all` detection hands the app: the default export of
 * each frontend plugin dependency, and of its `/alpha` entry when it has one.
 */
function discoveredModules() {
  const appDir = path.resolve(__dirname, '..');
  const pkg = JSON.parse(
    fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'),
  );
  return Object.keys(pkg.dependencies).flatMap(name => {
    const dep = require(`${name}/package.json`);
    if (dep.backstage?.role !== 'frontend-plugin') return [];
    if (!dep.exports?.['./alpha']) return [];
    return [
      { name, export: './alpha', default: require(`${name}/alpha`).default },
    ];
  });
}

/** The backend, as far as this page needs it; anything else is not found. */
async function fakeBackend(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : String(input));
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'Content-Type': 'application/json' },
    });
  if (
    url.pathname ===
    '/api/scaffolder/v2/templates/default/template/mesh-namespace/parameter-schema'
  )
    return json(parameterSchema);
  if (url.pathname === '/api/istio/clusters') return json(clusters);
  return json({ error: { name: 'NotFoundError', message: url.pathname } }, 404);
}

describe('the demo app', () => {
  beforeEach(() => {
    (window as any)['__@backstage/discovered__'] = {
      modules: discoveredModules(),
    };
    jest.spyOn(global, 'fetch').mockImplementation(fakeBackend);
    // The scaffolder form scrolls to the top of each page; jsdom has no scrolling.
    jest.spyOn(window, 'scrollTo').mockImplementation(() => {});
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test', packages: 'all' },
            backend: { baseUrl: 'http://localhost:7007' },
          },
          context: 'test',
        },
      ] as any,
    };
    // Signed in before as the guest, without an auth backend: the sign-in page lets
    // the user through, to the page asked for.
    localStorage.setItem('@backstage/core:SignInPage:provider', 'guest');
    localStorage.setItem('enableLegacyGuestToken', 'true');
    window.history.pushState(
      {},
      '',
      '/create/templates/default/mesh-namespace',
    );
  });

  afterEach(() => {
    localStorage.clear();
    delete (window as any)['__@backstage/discovered__'];
    jest.restoreAllMocks();
  });

  it('discovers the scaffolder plugin next to the Istio plugin', () => {
    expect(discoveredModules().map(m => m.name)).toEqual(
      expect.arrayContaining([
        '@backstage/plugin-scaffolder',
        '@istio-backstage/plugin-istio',
      ]),
    );
  });

  it('offers the configured clusters in templates that use IstioClusterPicker', async () => {
    render(App.createRoot());

    const picker = await screen.findByTestId(
      'istio-cluster-picker',
      {},
      { timeout: 30_000 },
    );
    await userEvent.click(
      await within(picker).findByRole('button', { name: /Cluster/ }),
    );
    const options = within(await screen.findByRole('listbox')).getAllByRole(
      'option',
    );
    expect(options.map(o => o.textContent)).toEqual([
      'Demo clusterdemo',
      'demo-oidc',
    ]);
  });
});
