import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import {
  findConfigReads,
  inMemoryHost,
  repositoryCompilerOptions,
  type ConfigRead,
  type ConfigReads,
} from './__testUtils__/configReads';
import {
  collectSchemas,
  declaredPaths,
  declares,
  runtimeClosure,
  withoutDocs,
  type PackageSchema,
} from './__testUtils__/configSchemas';
import {
  repositoryRoot,
  repositoryTypeScript,
} from './__testUtils__/repository';

// Every config key the plugins' sources read, found in the sources themselves (see
// __testUtils__/configReads.ts), against the config schemas Backstage loads: a key
// read without a declaration is neither validated nor documented, and a secret that
// is not declared secret can reach logs or the browser.

type TypeScript = typeof import('typescript');

const root = repositoryRoot();
const ts: TypeScript = repositoryTypeScript(root);

/**
 * Keys read but declared by no schema, each with its reason. An entry no read needs
 * any more, or that a schema now declares, fails the test.
 */
const UNDECLARED_READS: Record<string, string> = {
  // Read only to refuse them at start, naming the keys that replaced them.
  'istio.catalog': 'replaced by catalog.providers.istio',
  'istio.catalog.namespaces.frequencySeconds':
    'replaced by catalog.providers.istio.schedule',
  'istio.catalog.namespaces.timeoutSeconds':
    'replaced by catalog.providers.istio.schedule',
  'istio.catalog.namespaces.defaultOwner':
    'replaced by catalog.providers.istio.defaultOwner',
  // Read as the Kubernetes plugin's own config locator reads them (AWS auth of a
  // cluster), which its schema leaves out. Declaring them here would mean declaring
  // its `clusterLocatorMethods` items again, and under strict validation the merged
  // declaration refuses every key of its own `anyOf` branches.
  'kubernetes.clusterLocatorMethods[].clusters[].assumeRole':
    'read by the Kubernetes plugin, not in its schema',
  'kubernetes.clusterLocatorMethods[].clusters[].externalId':
    'read by the Kubernetes plugin, not in its schema',
};

/** The sections the Istio packages own: each declares there what it reads itself. */
const OWN_SECTIONS = /^(istio|catalog\.providers\.istio)(\.|\[|$)/;

/**
 * Backend plugins and modules run in a backend made by `createBackend` of
 * `@backstage/backend-defaults`, which loads that package's schema (`backend.*`).
 */
const BACKEND_HOST = '@backstage/backend-defaults';
const BACKEND_ROLES = [
  'backend-plugin',
  'backend-plugin-module',
  'node-library',
  'common-library',
];

interface PluginPackage {
  name: string;
  dir: string;
  role: string;
  configSchema?: string;
  files: string[];
}

function pluginPackages(): PluginPackage[] {
  return fs
    .readdirSync(path.join(root, 'plugins'))
    .map(dir => path.join(root, 'plugins', dir))
    .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
    .map(dir => {
      const pkg = JSON.parse(
        fs.readFileSync(path.join(dir, 'package.json'), 'utf8'),
      );
      return {
        name: pkg.name,
        dir,
        role: pkg.backstage?.role,
        configSchema: pkg.configSchema,
        files: pkg.files ?? [],
      };
    });
}

/** Git-tracked plugin sources, without tests and test utilities. */
function pluginSources(): string[] {
  return execFileSync('git', ['ls-files', '-z', '--', 'plugins'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
    .split('\0')
    .filter(
      file =>
        /^plugins\/[^/]+\/src\/.*\.tsx?$/.test(file) &&
        !/\.test\.tsx?$/.test(file) &&
        !file.includes('/__testUtils__/') &&
        fs.existsSync(path.join(root, file)),
    )
    .map(file => path.join(root, file));
}

const packages = pluginPackages();
const packageOf = (file: string) =>
  packages.find(p => path.join(root, file).startsWith(`${p.dir}${path.sep}`))!;
const schemaOf = (schemas: PackageSchema[], name: string) =>
  schemas.find(s => s.packageName === name);
const isOurs = (s: PackageSchema) =>
  packages.some(p => p.name === s.packageName);
const allPaths = (reads: ConfigRead[]) =>
  reads.flatMap(read => read.paths.map(keyPath => ({ read, keyPath })));

describe('config reads against the config schemas', () => {
  let found: ConfigReads;
  let schemas: PackageSchema[];

  beforeAll(async () => {
    found = findConfigReads({ ts, root, files: pluginSources() });
    ({ schemas } = await collectSchemas(root, [
      ...packages.map(p => path.join(p.dir, 'package.json')),
      require.resolve(`${BACKEND_HOST}/package.json`, { paths: [root] }),
    ]));
  }, 120_000);

  it('traces every read to constant keys', () => {
    expect(found.reads.length).toBeGreaterThan(40);
    // A read whose block or key cannot be traced: make the key a constant, or list
    // what a library function reads in LIBRARY_READERS.
    expect(found.untraced).toEqual([]);
  });

  it('has each package that reads config ship its config.d.ts', () => {
    const reading = [...new Set(found.reads.map(r => packageOf(r.file)))];
    expect(reading.map(p => p.name).sort()).toEqual([
      '@istio-backstage/plugin-catalog-backend-module-istio',
      '@istio-backstage/plugin-istio-backend',
      '@istio-backstage/plugin-istio-node',
      '@istio-backstage/plugin-scaffolder-backend-module-istio',
    ]);
    expect(
      reading.map(p => ({
        name: p.name,
        configSchema: p.configSchema,
        shipped: p.files.includes('config.d.ts'),
        exists: fs.existsSync(path.join(p.dir, 'config.d.ts')),
        loaded: schemaOf(schemas, p.name) !== undefined,
      })),
    ).toEqual(
      reading.map(p => ({
        name: p.name,
        configSchema: 'config.d.ts',
        shipped: true,
        exists: true,
        loaded: true,
      })),
    );
  });

  it('finds every key read declared by a schema the reading package ships or depends on', () => {
    const available = new Map(
      packages.map(p => {
        const names = runtimeClosure(p.dir);
        if (BACKEND_ROLES.includes(p.role)) names.add(BACKEND_HOST);
        return [p.name, schemas.filter(s => names.has(s.packageName))];
      }),
    );
    const undeclared = allPaths(found.reads)
      .filter(({ keyPath }) => !(keyPath in UNDECLARED_READS))
      .filter(
        ({ read, keyPath }) =>
          !available
            .get(packageOf(read.file).name)!
            .some(s => declares(s.value, keyPath)),
      )
      .map(({ read, keyPath }) => `${keyPath} (${read.file}:${read.line})`);
    expect(undeclared).toEqual([]);
  });

  it('finds the keys of the Istio sections declared by the package that reads them', () => {
    const elsewhere = allPaths(found.reads)
      .filter(({ keyPath }) => OWN_SECTIONS.test(keyPath))
      .filter(({ keyPath }) => !(keyPath in UNDECLARED_READS))
      .filter(({ read, keyPath }) => {
        const own = schemaOf(schemas, packageOf(read.file).name);
        return !own || !declares(own.value, keyPath);
      })
      .map(({ read, keyPath }) => `${keyPath} (${read.file}:${read.line})`);
    expect(elsewhere).toEqual([]);
  });

  it('keeps the list of undeclared keys current', () => {
    const read = new Set(allPaths(found.reads).map(r => r.keyPath));
    expect(
      Object.keys(UNDECLARED_READS).map(keyPath => ({
        keyPath,
        read: read.has(keyPath),
        declaredBy: schemas
          .filter(s => declares(s.value, keyPath))
          .map(s => s.packageName),
      })),
    ).toEqual(
      Object.keys(UNDECLARED_READS).map(keyPath => ({
        keyPath,
        read: true,
        declaredBy: [],
      })),
    );
  });

  it('declares shared keys alike and redeclares none of the Backstage packages', () => {
    const ours = schemas.filter(isOurs);
    const others = schemas.filter(s => !isOurs(s));
    // Objects with properties merge key by key; anything else must agree.
    const leaves = ours.flatMap(s =>
      declaredPaths(s.value)
        .filter(d => !d.schema.properties)
        .map(d => ({ ...d, packageName: s.packageName })),
    );
    const conflicts = leaves
      .filter(a =>
        leaves.some(
          b =>
            b.path === a.path &&
            JSON.stringify(withoutDocs(b.schema)) !==
              JSON.stringify(withoutDocs(a.schema)),
        ),
      )
      .map(a => `${a.path} (${a.packageName})`);
    const redeclared = leaves
      .filter(leaf => others.some(s => declares(s.value, leaf.path)))
      .map(leaf => `${leaf.path} (${leaf.packageName})`);
    expect({ conflicts, redeclared }).toEqual({
      conflicts: [],
      redeclared: [],
    });
  });

  it('keeps secrets secret and sends nothing to the browser that the frontend does not read', () => {
    const declared = schemas
      .filter(isOurs)
      .flatMap(s => declaredPaths(s.value));
    const visible = (visibility: string) =>
      [
        ...new Set(
          declared
            .filter(
              d =>
                d.schema.visibility === visibility ||
                d.schema.deepVisibility === visibility,
            )
            .map(d => d.path),
        ),
      ].sort();
    expect(visible('secret')).toEqual([
      'istio.clusters[].prometheus.basicAuth.password',
      'istio.clusters[].prometheus.basicAuth.username',
      'istio.clusters[].prometheus.bearerToken',
      'istio.clusters[].prometheus.headers',
    ]);
    const frontendReads = new Set(
      allPaths(found.reads)
        .filter(({ read }) => packageOf(read.file).role === 'frontend-plugin')
        .map(r => r.keyPath),
    );
    expect(visible('frontend').filter(p => !frontendReads.has(p))).toEqual([]);
  });

  it('validates the demo app-config.yaml against the demo backend and app schemas', async () => {
    const demo = await collectSchemas(root, [
      path.join(root, 'packages/backend/package.json'),
      path.join(root, 'packages/app/package.json'),
    ]);
    expect(demo.schemas.map(s => s.packageName)).toEqual(
      expect.arrayContaining(
        packages.filter(p => p.configSchema).map(p => p.name),
      ),
    );
    const data = YAML.parse(
      fs.readFileSync(path.join(root, 'app-config.yaml'), 'utf8'),
    );
    expect(() =>
      demo.merged.process([{ data, context: 'app-config.yaml' }]),
    ).not.toThrow();
  }, 60_000);
});

describe('findConfigReads', () => {
  const dir = path.join(
    root,
    'plugins/istio-backend/src/__configReadsFixture__',
  );
  const sources: Record<string, string> = {
    [path.join(dir, 'settings.ts')]: `
      import type { RootConfigService } from '@backstage/backend-plugin-api';
      import type { Config } from '@backstage/config';
      import { optionalUrl } from './helpers';

      const SECTION = 'tools';
      const NAMES = { grafana: 1, kiali: 2 };

      function urls(block: Config | undefined) {
        return [optionalUrl(block, 'grafana.url'), block?.getOptionalString('name')];
      }

      export function readSettings(config: RootConfigService) {
        const tools = config.getOptionalConfig(SECTION);
        for (const [name] of Object.entries(NAMES)) tools?.has(name);
        (config.getOptionalConfigArray('clusters') ?? []).forEach(entry => {
          urls(entry.getOptionalConfig('prometheus'));
          optionalUrl(entry, \`\${SECTION}.kiali.url\`);
        });
        const headers = config.getConfig('headers');
        for (const header of headers.keys()) headers.getString(header);
      }
    `,
    [path.join(dir, 'helpers.ts')]: `
      import type { Config } from '@backstage/config';

      export function optionalUrl(config: Config | undefined, key: string) {
        return config?.getOptionalString(key);
      }
    `,
    [path.join(dir, 'dynamic.ts')]: `
      import type { RootConfigService } from '@backstage/backend-plugin-api';
      import type { Config } from '@backstage/config';
      import { readDurationFromConfig } from '@backstage/config';

      const pick = () => 'somewhere';

      export function unknownKey(config: RootConfigService) {
        return config.getOptionalString(pick());
      }

      export function neverCalled(config: Config) {
        return config.getOptionalString('orphan');
      }

      export function library(config: RootConfigService) {
        return readDurationFromConfig(config.getConfig('task'), { key: 'timeout' });
      }
    `,
  };
  let found: ConfigReads;

  beforeAll(() => {
    const files = Object.keys(sources);
    found = findConfigReads({
      ts,
      root,
      files,
      host: inMemoryHost(ts, repositoryCompilerOptions(ts, root), sources),
    });
  }, 60_000);

  it('traces blocks and keys through constants, loops, callbacks and each caller of a helper', () => {
    const paths = (file: string) =>
      found.reads
        .filter(r => r.file.endsWith(file))
        .flatMap(r => r.paths)
        .sort();
    expect(paths('settings.ts')).toEqual([
      'clusters',
      'clusters[].prometheus',
      'clusters[].prometheus.name',
      'headers',
      'headers.*',
      'tools',
      'tools.grafana',
      'tools.kiali',
    ]);
    // Each call of the helper with its own block and key: no mixing of the two calls.
    expect(paths('helpers.ts')).toEqual([
      'clusters[].prometheus.grafana.url',
      'clusters[].tools.kiali.url',
    ]);
  });

  it('reports what it cannot trace instead of skipping it', () => {
    expect(
      found.untraced.map(u => ({ call: u.call, reason: u.reason })),
    ).toEqual([
      {
        call: 'config.getOptionalString(pick())',
        reason: expect.stringMatching(
          /^cannot tell which key this is: `pick\(\)`/,
        ),
      },
      {
        call: "config.getOptionalString('orphan')",
        reason: expect.stringMatching(
          /^nothing in the sources calls this function/,
        ),
      },
      {
        call: "readDurationFromConfig(config.getConfig('task'), { key: 'timeout' })",
        reason: expect.stringMatching(/LIBRARY_READERS/),
      },
    ]);
  });
});
