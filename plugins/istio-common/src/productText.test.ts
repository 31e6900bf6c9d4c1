import { execFileSync } from 'child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'fs';
import { dirname, join, relative, sep } from 'path';

/*
 * Product text speaks to its users: messages, generated YAML, docs, demo scenarios and
 * code say what a thing is, never which internal document or tracker entry it came
 * from (those documents do not ship with the product). This test lists every line that
 * cites one. This file is left out of the scan: its own patterns would match.
 */

/** References to documents and tracker entries that are not part of the product. */
const INTERNAL_REFERENCES: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /\bseed\b/i, why: 'the source document of the project' },
  { pattern: /\bFAQ\s*\d/i, why: 'a numbered FAQ of the source document' },
  { pattern: /PRODUCT\.md/, why: 'an internal document' },
  { pattern: /ISTIO-FACTS/, why: 'an internal document' },
  { pattern: /ENGINEERING\.md/, why: 'an internal document' },
  { pattern: /BACKSTAGE-API\.md/, why: 'an internal document' },
  { pattern: /TOOLCHAIN\.md/, why: 'an internal document' },
  { pattern: /\bissues?\s+#?\d+/i, why: 'a tracker entry' },
  { pattern: /the issue (that|which) /i, why: 'a tracker entry' },
];

/** Files shipped with or shown by the product, relative to the repository root. */
const SCOPE: readonly RegExp[] = [
  /^plugins\/[^/]+\/src\//,
  /^plugins\/[^/]+\/README\.md$/,
  /^plugins\/istio-backend\/DIAGNOSTICS\.md$/,
  /^packages\/demo-cluster\/(src|scenarios)\//,
  /^packages\/demo-cluster\/README\.md$/,
  /^examples\//,
  /^docs\//,
  /^README\.md$/,
];

/** The folder holding `backstage.json`, above this file. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'backstage.json'))) {
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`No backstage.json in any folder above ${__dirname}`);
    }
    dir = parent;
  }
  return dir;
}

const root = repositoryRoot();
const self = relative(root, __filename).split(sep).join('/');

/** Every file of the repository: tracked and new (not ignored) ones, from git. */
function gitFiles(): string[] | undefined {
  try {
    return execFileSync(
      'git',
      ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
      { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    )
      .split('\0')
      .filter(Boolean);
  } catch {
    return undefined; // not a git checkout, or no git: walk the folders instead
  }
}

/** Every file under the repository's top-level folders, skipping node_modules. */
function walkedFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(join(root, dir))) {
      if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) {
        continue;
      }
      const path = dir ? `${dir}/${name}` : name;
      if (statSync(join(root, path)).isDirectory()) walk(path);
      else files.push(path);
    }
  };
  for (const top of ['plugins', 'packages', 'examples', 'docs']) {
    if (existsSync(join(root, top))) walk(top);
  }
  if (existsSync(join(root, 'README.md'))) files.push('README.md');
  return files;
}

/** The text files in scope, each with its content. */
function scannedFiles(): Array<{ path: string; text: string }> {
  const paths = [...new Set(gitFiles() ?? walkedFiles())]
    .filter(path => path !== self && SCOPE.some(scope => scope.test(path)))
    // A tracked file deleted in the working tree is not product text any more.
    .filter(path => existsSync(join(root, path)))
    .sort();
  return paths.flatMap(path => {
    const content = readFileSync(join(root, path));
    // Binary files (images) carry no text.
    return content.includes(0)
      ? []
      : [{ path, text: content.toString('utf8') }];
  });
}

/** `file:line: text  [why]` for every line citing an internal reference. */
function findReferences(
  files: ReadonlyArray<{ path: string; text: string }>,
): string[] {
  const found: string[] = [];
  for (const { path, text } of files) {
    text.split('\n').forEach((line, index) => {
      const hit = INTERNAL_REFERENCES.find(({ pattern }) => pattern.test(line));
      if (hit) {
        found.push(
          `${path}:${index + 1}: ${line.trim().slice(0, 160)}  [${hit.why}]`,
        );
      }
    });
  }
  return found;
}

describe('product text', () => {
  it('scans the product files (plugins, demo cluster, examples, docs, README)', () => {
    const paths = scannedFiles().map(file => file.path);
    expect(paths.length).toBeGreaterThan(100);
    expect(paths).toEqual(
      expect.arrayContaining([
        'README.md',
        'plugins/istio-backend/DIAGNOSTICS.md',
        'plugins/istio-common/src/index.ts',
        'packages/demo-cluster/scenarios/default.yaml',
      ]),
    );
    expect(paths).not.toContain(self);
  });

  it('cites no internal document nor tracker entry', () => {
    expect(findReferences(scannedFiles())).toEqual([]);
  });

  it.each([
    "the seed's egress",
    'sends no traces (Seed FAQ 3)',
    'see PRODUCT.md §2',
    'the targets of issue 8',
    'fixed in issues #12 and #13',
    'in the order of the issue that asked for them',
  ])('flags "%s"', phrase => {
    expect(findReferences([{ path: 'x.ts', text: phrase }])).toHaveLength(1);
  });

  it.each([
    'a known issue with Envoy 1.30',
    'the graph is seeded, the same every run',
    'an issue where proxies restart',
  ])('lets ordinary English through: "%s"', phrase => {
    expect(findReferences([{ path: 'x.ts', text: phrase }])).toEqual([]);
  });
});
