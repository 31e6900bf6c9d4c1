// Temporary copies of the demo app for the bundle-size measurement: one as shipped and
// one with a frontend plugin package taken out, so that the two builds differ in that
// plugin alone. The shipped app is never touched.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** Test files are not part of the bundle; leaving them out keeps the copies inert. */
function isCopied(file) {
  const name = path.basename(file);
  if (name === 'node_modules' || name === 'dist') return false;
  return !/\.test\.[jt]sx?$/.test(name) && !/^setupTests\.[jt]s$/.test(name);
}

/** Copies an app package (sources, public assets, package.json) to `destDir`. */
export function copyApp(appDir, destDir) {
  fs.cpSync(appDir, destDir, {
    recursive: true,
    filter: src => src === appDir || isCopied(src),
  });
}

function importsPackage(specifier, packageName) {
  return specifier === packageName || specifier.startsWith(`${packageName}/`);
}

/**
 * Removes every import of `packageName` from one source text, and each use of an
 * imported binding as an array element (how features are listed in `createApp`).
 * Any other use is refused, since dropping it could change more than the plugin.
 * Returns the new text, or undefined when the file does not import the package.
 */
export function removePackageImports(fileName, text, packageName) {
  const ts = require('typescript');
  const source = ts.createSourceFile(
    fileName,
    text,
    ts.ScriptTarget.Latest,
    true,
    fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const cuts = [];
  const bindings = new Set();
  for (const statement of source.statements) {
    if (
      !ts.isImportDeclaration(statement) ||
      !importsPackage(statement.moduleSpecifier.text, packageName)
    ) {
      continue;
    }
    const clause = statement.importClause;
    if (clause?.name) bindings.add(clause.name.text);
    const named = clause?.namedBindings;
    if (named && ts.isNamespaceImport(named)) bindings.add(named.name.text);
    if (named && ts.isNamedImports(named)) {
      for (const element of named.elements) bindings.add(element.name.text);
    }
    // getStart, not getFullStart: a leading file comment stays.
    cuts.push([statement.getStart(), statement.getEnd()]);
  }
  if (cuts.length === 0) return undefined;

  const visit = node => {
    if (ts.isImportDeclaration(node)) return;
    if (ts.isIdentifier(node) && bindings.has(node.text)) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isPropertyName) {
        if (!ts.isArrayLiteralExpression(parent)) {
          const { line } = source.getLineAndCharacterOfPosition(
            node.getStart(),
          );
          throw new Error(
            `${fileName}:${line + 1}: cannot take '${
              node.text
            }' (from ${packageName}) out of this expression; only array elements such as createApp features are supported`,
          );
        }
        // Cut the element together with the comma that follows it, if any.
        let end = node.getEnd();
        const after = text.slice(end).match(/^\s*,/);
        if (after) end += after[0].length;
        cuts.push([node.getStart(), end]);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);

  let result = text;
  for (const [start, end] of cuts.sort((a, b) => b[0] - a[0])) {
    result = result.slice(0, start) + result.slice(end);
  }
  return result;
}

/**
 * Takes `packageName` out of an app copy: drops it from package.json (so
 * `app.packages: all` no longer discovers it) and from the sources that import it.
 * Returns the source files that were changed, relative to `appDir`.
 */
export function removePackageFromApp(appDir, packageName) {
  const manifestPath = path.join(appDir, 'package.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));
  for (const field of ['dependencies', 'devDependencies']) {
    if (manifest[field]) delete manifest[field][packageName];
  }
  fs.writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);

  const changed = [];
  const srcDir = path.join(appDir, 'src');
  for (const entry of fs.readdirSync(srcDir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile() || !/\.[jt]sx?$/.test(entry.name)) continue;
    const file = path.join(entry.parentPath ?? entry.path, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    const updated = removePackageImports(file, text, packageName);
    if (updated !== undefined) {
      // Formatted, so a concurrent `prettier --check .` does not trip over the copy.
      const prettier = require('prettier');
      const options = prettier.resolveConfig.sync(file) ?? {};
      fs.writeFileSync(
        file,
        prettier.format(updated, { ...options, filepath: file }),
      );
      changed.push(path.relative(appDir, file));
    }
  }
  return changed;
}
