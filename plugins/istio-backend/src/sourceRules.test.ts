import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  repositoryRoot,
  repositoryTypeScript,
} from './__testUtils__/repository';

// Source rules the repository holds itself to, checked over every plugin's sources:
// a function longer than MAX_LINES says why in the comment right before it.

type TypeScript = typeof import('typescript');
type Node = import('typescript').Node;
type SourceFile = import('typescript').SourceFile;
type FunctionLike = import('typescript').FunctionLikeDeclaration;

const MAX_LINES = 80;
const REASON = 'Over 80 lines because';

const root = repositoryRoot();
const ts: TypeScript = repositoryTypeScript(root);

/** Git-tracked plugin sources, without tests, test utilities, fixtures and examples. */
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
        !/\/testFixtures[^/]*$/.test(file) &&
        !/\.examples\.ts$/.test(file),
    )
    .sort();
}

function isFunction(node: Node): node is FunctionLike {
  return (
    (ts.isFunctionDeclaration(node) ||
      ts.isFunctionExpression(node) ||
      ts.isArrowFunction(node) ||
      ts.isMethodDeclaration(node) ||
      ts.isConstructorDeclaration(node) ||
      ts.isGetAccessorDeclaration(node) ||
      ts.isSetAccessorDeclaration(node)) &&
    node.body !== undefined
  );
}

/** `name`, the variable or property it is assigned to, or the call it is passed to. */
function functionName(node: FunctionLike): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (
    ts.isVariableDeclaration(parent) ||
    ts.isPropertyAssignment(parent) ||
    ts.isPropertyDeclaration(parent)
  ) {
    return parent.name.getText();
  }
  if (ts.isCallExpression(parent)) {
    const callee = parent.expression.getText().replace(/\s+/g, ' ');
    return `${callee.length > 40 ? `…${callee.slice(-40)}` : callee} callback`;
  }
  return '<anonymous>';
}

/**
 * Where the comment explaining a function sits: before the statement, class member or
 * object member that holds it (`export const f = () => …` has it above `export`).
 */
function commentAnchor(node: Node): Node {
  let anchor = node;
  while (
    !ts.isStatement(anchor) &&
    !ts.isClassElement(anchor) &&
    !ts.isObjectLiteralElementLike(anchor) &&
    anchor.parent &&
    !ts.isSourceFile(anchor.parent)
  ) {
    anchor = anchor.parent;
  }
  return anchor;
}

/** The comments right before a node: the last run of them with no blank line in between. */
function commentBefore(node: Node, sourceFile: SourceFile): string {
  const text = sourceFile.text;
  const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
  const kept: string[] = [];
  let next = node.getStart(sourceFile);
  for (const range of [...ranges].reverse()) {
    const between = text.slice(range.end, next);
    if ((between.match(/\n/g) ?? []).length > 1) break;
    kept.unshift(text.slice(range.pos, range.end));
    next = range.pos;
  }
  return kept
    .join('\n')
    .replace(/^\s*(\/\*\*?|\*\/|\*|\/\/)/gm, ' ')
    .replace(/\*\//g, ' ')
    .replace(/\s+/g, ' ');
}

/** Functions over {@link MAX_LINES} lines without the reason, as `file:line:name (N lines)`. */
function longFunctionsWithoutReason(file: string, text: string): string[] {
  const kind = file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sourceFile = ts.createSourceFile(
    file,
    text,
    ts.ScriptTarget.Latest,
    true,
    kind,
  );
  const found: string[] = [];
  const visit = (node: Node) => {
    if (isFunction(node)) {
      const start = sourceFile.getLineAndCharacterOfPosition(
        node.getStart(sourceFile),
      ).line;
      const end = sourceFile.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = end - start + 1;
      if (
        lines > MAX_LINES &&
        !commentBefore(commentAnchor(node), sourceFile).includes(REASON)
      ) {
        found.push(
          `${file}:${start + 1}:${functionName(node)} (${lines} lines)`,
        );
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

describe('longFunctionsWithoutReason', () => {
  /** A function declaration `lines` long. */
  const long = (lines: number, header = 'function long() {') =>
    [
      header,
      ...Array.from({ length: lines - 2 }, (_, i) => `  const x${i} = ${i};`),
      '}',
    ].join('\n');

  it.each([
    ['81 lines without a reason', long(81), ['a.ts:1:long (81 lines)']],
    ['80 lines', long(80), []],
    [
      'a reason in its TSDoc, across lines',
      `/**\n * Does it all.\n * Over 80\n * lines because it must.\n */\n${long(
        81,
      )}`,
      [],
    ],
    [
      'a reason in a line comment right above',
      `// Over 80 lines because it must.\n// eslint-disable-next-line\n${long(
        81,
      )}`,
      [],
    ],
    [
      'a reason separated from it by a blank line',
      `// Over 80 lines because it must.\n\n${long(81)}`,
      ['a.ts:3:long (81 lines)'],
    ],
    [
      'a reason inside it, not before it',
      long(81).replace('{', '{\n  // Over 80 lines because it must.'),
      ['a.ts:1:long (82 lines)'],
    ],
    [
      'an arrow function in an exported const, reason above `export`',
      `/** Over 80 lines because it must. */\nexport const f = () => {\n${long(
        79,
        '{',
      )};\n};`,
      [],
    ],
    [
      'an arrow function in an exported const, no reason',
      `export const f = async () => ${long(81, '{')};`,
      ['a.ts:1:f (81 lines)'],
    ],
    [
      'a method',
      `class C {\n  run() ${long(81, '{')}\n}`,
      ['a.ts:2:run (81 lines)'],
    ],
    [
      'a callback',
      `router.get('/x', async () => ${long(81, '{')});`,
      ['a.ts:1:router.get callback (81 lines)'],
    ],
    [
      'a long function inside one that has a reason',
      `// Over 80 lines because it must.\nfunction outer() {\n  ${long(
        81,
        'const inner = () => {',
      )};\n}`,
      ['a.ts:3:inner (81 lines)'],
    ],
  ])('%s', (_case, text, expected) => {
    expect(longFunctionsWithoutReason('a.ts', text)).toEqual(expected);
  });
});

describe('plugin sources', () => {
  it(`keep functions within ${MAX_LINES} lines, or say why ("${REASON} …")`, () => {
    const files = pluginSources();
    expect(files.length).toBeGreaterThan(50);
    const found = files
      .filter(file => fs.existsSync(path.join(root, file)))
      .flatMap(file =>
        longFunctionsWithoutReason(
          file,
          fs.readFileSync(path.join(root, file), 'utf8'),
        ),
      );
    expect(found).toEqual([]);
  }, 120_000);
});
