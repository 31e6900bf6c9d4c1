#!/usr/bin/env node
// Checks that every published package's API report (report.api.md, and report-<name>.api.md
// for a subpath export such as `/alpha`) matches what the package exports, with Backstage's
// repo tools (API Extractor). Exits non-zero naming each package whose exports changed
// without its report, and the command that refreshes the reports.
//
//   node scripts/check-api-reports.mjs                  check every published package
//   node scripts/check-api-reports.mjs plugins/istio    check only these package folders
//   node scripts/check-api-reports.mjs --update [dirs]  regenerate the reports (then commit them)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { reexecUnderToolchain, repoRoot } from './lib/toolchain.mjs';
import { publishedPackages } from './lib/workspaces.mjs';

const toolchain = reexecUnderToolchain(import.meta.url);

/** The options the reports are generated and checked with, as Backstage plugin repositories use them. */
const REPORT_OPTIONS = [
  // Workspace dependencies resolve to their TypeScript sources, and members without a doc
  // comment are marked "(undocumented)" in the report already.
  '--omit-messages',
  'ae-wrong-input-file-type,ae-undocumented',
  // The `/alpha` entry point may only add @alpha (or @public) exports.
  '--validate-release-tags',
];

const args = process.argv.slice(2);
const update = args.includes('--update');
const requested = args.filter(a => !a.startsWith('--'));

function run(command, commandArgs, { capture = false } = {}) {
  const result = spawnSync(command, commandArgs, {
    cwd: repoRoot,
    env: toolchain.env,
    encoding: 'utf8',
    stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return {
    code: result.status ?? 1,
    output: capture ? `${result.stdout}${result.stderr}` : '',
  };
}

const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));
const typescriptBin = requireFromRoot.resolve('typescript/bin/tsc');

const cacheDir = path.join(repoRoot, 'node_modules/.cache/api-reports');
const cachedDeclarations = path.join(cacheDir, 'dist-types');

/**
 * A tsconfig for the declarations of the published packages: their sources without
 * tests, with the repository's compiler options. It builds into its own folder, which
 * other builds do not touch; the declarations are then copied to dist-types/, where the
 * report tool reads them. Always a full build: an incremental one checks only the changed
 * files, in another order, and could spell their union types differently.
 */
function declarationsTsconfig(dirs) {
  const file = path.join(cacheDir, 'tsconfig.json');
  fs.rmSync(cachedDeclarations, { recursive: true, force: true });
  fs.mkdirSync(cacheDir, { recursive: true });
  const sources = dirs.map(dir => path.join(repoRoot, dir, 'src'));
  let assetTypes = [];
  try {
    // Global declarations of imported assets, as the report tool adds them.
    assetTypes = [
      requireFromRoot.resolve('@backstage/cli/asset-types/asset-types.d.ts'),
    ];
  } catch {
    // an older CLI without them
  }
  const config = {
    extends: path.join(repoRoot, 'tsconfig.json'),
    include: [...assetTypes, ...sources],
    exclude: sources.flatMap(src => [
      `${src}/**/*.test.ts`,
      `${src}/**/*.test.tsx`,
      `${src}/**/__testUtils__/**`,
      `${src}/**/__fixtures__/**`,
      `${src}/**/__mocks__/**`,
      `${src}/setupTests.ts`,
    ]),
    compilerOptions: { incremental: false, outDir: cachedDeclarations },
  };
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`);
  return file;
}

/** `backstage-repo-tools`, run with Node directly: one `yarn` start-up less per package. */
const repoToolsBin = path.join(
  path.dirname(requireFromRoot.resolve('@backstage/repo-tools/package.json')),
  'bin/backstage-repo-tools',
);

function apiReportsArgs(dirs, { ci }) {
  return [
    repoToolsBin,
    'api-reports',
    ...(ci ? ['--ci'] : []),
    ...REPORT_OPTIONS,
    ...dirs,
  ];
}

const refreshCommand = dirs =>
  `node scripts/check-api-reports.mjs --update ${dirs.join(' ')}`;

// ANSI colours in API Extractor's messages get in the way of matching them.
// eslint-disable-next-line no-control-regex
const plain = text => text.replace(/\u001b\[[0-9;]*m/g, '');

/** Why a run for one package failed, from its output: what, and how the report differs. */
function explainFailure(output, { dir, name }) {
  const text = plain(output);
  const label = `${name} (${dir})`;
  const changed = /Please copy the file "([^"]+)" to "([^"]+)"/.exec(text);
  let reason;
  let diff = '';
  if (changed) {
    const [, generated, reportFile] = changed;
    reason = `${reportFile} does not match what the package exports now`;
    diff = reportDiff(path.join(repoRoot, dir, reportFile), generated);
  } else if (/The API report file is missing/.test(text)) {
    reason = 'an API report is missing';
  } else if (/not allowed to have warnings/.test(text)) {
    reason =
      'its API report has warnings (an export that is not exported by the entry point, or lacks a release tag)';
  } else if (/are no longer relevant and should be deleted/.test(text)) {
    const stale = /The API Report\(s\) (.*) are no longer relevant/.exec(text);
    reason = `${
      stale?.[1] ?? 'a report'
    } no longer matches an entry point and should be deleted`;
  } else if (/Unexpected release tag/.test(text)) {
    reason = /Unexpected release tag[^\n]*/.exec(text)[0];
  } else {
    reason = 'the API report tool failed';
    diff = text.trim().split('\n').slice(-30).join('\n');
  }
  return { dir, label, reason, diff };
}

/** A unified diff, committed report → generated one, cut to a readable length. */
function reportDiff(committed, generated) {
  if (!fs.existsSync(committed) || !fs.existsSync(generated)) return '';
  const { output } = run(
    'git',
    [
      'diff',
      '--no-index',
      '--no-color',
      '--unified=2',
      '--src-prefix=committed/',
      '--dst-prefix=exported/',
      path.relative(repoRoot, committed),
      path.relative(repoRoot, generated),
    ],
    { capture: true },
  );
  const lines = output
    .split('\n')
    .filter(l => !l.startsWith('diff --git') && !l.startsWith('index '));
  const max = 60;
  return lines.length > max
    ? [...lines.slice(0, max), `… ${lines.length - max} more lines`].join('\n')
    : lines.join('\n');
}

const published = publishedPackages(repoRoot).map(pkg => ({
  dir: pkg.relativeDir,
  name: pkg.name,
}));
const unknown = requested.filter(
  dir => !published.some(p => p.dir === dir.replace(/\/$/, '')),
);
if (unknown.length > 0) {
  process.stderr.write(
    `Not a published package folder: ${unknown.join(
      ', ',
    )}\nPublished packages: ${published.map(p => p.dir).join(', ')}\n`,
  );
  process.exit(2);
}
const selected = requested.length
  ? published.filter(p => requested.some(r => r.replace(/\/$/, '') === p.dir))
  : published;
const started = Date.now();

// The reports are read from the declarations in dist-types/. They are written here by a
// TypeScript program of the published packages' sources alone, without their tests: the
// declarations spell inferred union types in the order the compiler met their members, so
// with the whole repository's program (`yarn tsc`) an unrelated test could reorder them.
// Type errors are the type check's business: the declarations are written anyway.
process.stdout.write("Compiling the published packages' type declarations\n");
const tsc = run(
  toolchain.node,
  [typescriptBin, '--project', declarationsTsconfig(published.map(p => p.dir))],
  { capture: true },
);
if (tsc.code !== 0) {
  process.stdout.write(
    `Note: the type declarations compiled with type errors (run \`yarn tsc\` for details); the reports are checked against them anyway.\n`,
  );
}
for (const { dir } of published) {
  const from = path.join(cachedDeclarations, dir);
  if (fs.existsSync(from)) {
    fs.cpSync(from, path.join(repoRoot, 'dist-types', dir), {
      recursive: true,
    });
  }
}

// One package per run: API Extractor analyses the packages of a run in one TypeScript
// program, in an order that varies from run to run, and that order can show in the
// reports. A program per package gives the same report every time, and names every
// package that fails, not only the first.
const failures = [];
for (const { dir, name } of selected) {
  const { code, output } = run(
    toolchain.node,
    apiReportsArgs([dir], { ci: !update }),
    { capture: true },
  );
  if (code === 0) continue;
  failures.push(explainFailure(output, { dir, name }));
}

const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (update) {
  run('git', [
    'status',
    '--short',
    '--',
    ...selected.map(p => `${p.dir}/*.api.md`),
  ]);
}
if (failures.length === 0) {
  process.stdout.write(
    update
      ? `API reports regenerated for ${selected.length} published package(s) (${seconds}s); commit the changed report files above.\n`
      : `API reports are up to date for ${selected.length} published package(s) (${seconds}s).\n`,
  );
  process.exit(0);
}

process.stderr.write(
  update
    ? '\nAPI reports could not be generated:\n'
    : '\nAPI report check failed:\n',
);
for (const { label, reason, diff } of failures) {
  process.stderr.write(`\n  ${label}: ${reason}\n`);
  if (diff) process.stderr.write(`${diff.replace(/^/gm, '    ')}\n`);
}
if (update) {
  process.stderr.write(
    '\nWarnings in a report mean an export refers to a type the entry point does not export\n' +
      '(export that type too), or an export lacks a release tag (add @public, or @alpha under /alpha).\n',
  );
} else {
  process.stderr.write(
    `\nIf the change to the package's exports is intended, refresh the report(s) and commit them:\n` +
      `  ${refreshCommand(failures.map(f => f.dir))}\n` +
      `If it is not, restore the export instead. (${seconds}s)\n`,
  );
}
process.exit(1);
