// What our READMEs tell an adopter to do, read from the READMEs themselves, so a step
// the install test needs and a README lacks fails the test instead of hiding in it.
import fs from 'node:fs';
import path from 'node:path';

/** The text under the first heading that reads `heading`, up to the next heading of its level or higher. */
export function readmeSection(markdown, heading) {
  const lines = markdown.split('\n');
  const start = lines.findIndex(
    line => /^#+ /.test(line) && line.replace(/^#+ /, '') === heading,
  );
  if (start < 0) throw new Error(`the README has no section "${heading}"`);
  const level = /^#+/.exec(lines[start])[0].length;
  const end = lines.findIndex(
    (line, index) =>
      index > start && /^#+ /.test(line) && /^#+/.exec(line)[0].length <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Fenced code blocks of `markdown`, with their language. */
export function codeBlocks(markdown) {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(match => ({
    lang: match[1],
    code: match[2],
  }));
}

/** The install steps of the root README: shell commands and backend lines. */
export function installSteps(readme) {
  const section = readmeSection(readme, 'Install in your Backstage app');
  const blocks = codeBlocks(section);
  const commands = blocks
    .filter(block => block.lang === 'sh')
    .flatMap(block => block.code.split('\n'))
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'));
  const backendLines = blocks
    .filter(block => block.code.startsWith('// packages/backend/src/index.ts'))
    .flatMap(block => block.code.split('\n'))
    .filter(line => line.startsWith('backend.add('));
  if (!commands.length || !backendLines.length)
    throw new Error(
      'the README\'s "Install in your Backstage app" section lacks the install commands or the backend lines',
    );
  return { commands, backendLines };
}

/** One imported name: `{ name }` or a default import, and its module. */
function parseImports(code) {
  const names = [];
  for (const [, clause, from] of code.matchAll(
    /^import ([\s\S]*?) from '([^']+)';$/gm,
  )) {
    const named = /\{([\s\S]*)\}/.exec(clause);
    if (named) {
      for (const name of named[1]
        .split(',')
        .map(n => n.trim())
        .filter(Boolean))
        names.push({ name, from, isDefault: false });
    } else {
      names.push({ name: clause.trim(), from, isDefault: true });
    }
  }
  return names;
}

/** Splits a TSX snippet into the names it imports and its JSX statements. */
export function splitSnippet(code) {
  const imports = parseImports(code);
  const body = code.replace(/^import [\s\S]*?from '[^']+';$/gm, '');
  const elements = body
    .split(/;\n(?=<|$)/)
    .map(statement => statement.trim().replace(/;$/, ''))
    .filter(Boolean);
  return { imports, elements };
}

function importStatements(imports) {
  const byModule = new Map();
  for (const { name, from, isDefault } of imports) {
    if (isDefault) continue;
    byModule.set(from, [...new Set([...(byModule.get(from) ?? []), name])]);
  }
  const defaults = [
    ...new Map(imports.filter(i => i.isDefault).map(i => [i.name, i])).values(),
  ];
  return [
    ...defaults.map(i => `import ${i.name} from '${i.from}';`),
    ...[...byModule].map(
      ([from, names]) => `import { ${names.join(', ')} } from '${from}';`,
    ),
  ].join('\n');
}

/**
 * Where a legacy app gets each kind of element our README shows, in the files
 * `@backstage/create-app --legacy` generates: the file, a marker, and whether the
 * element goes before or after it.
 */
const LEGACY_PLACES = [
  {
    tag: '<EntityLayout.Route',
    file: 'src/components/catalog/EntityPage.tsx',
    marker: /^ *<EntityLayout\.Route path="\/api" title="API">$/m,
    before: true,
  },
  {
    tag: '<EntitySwitch>',
    file: 'src/components/catalog/EntityPage.tsx',
    marker: /^ *<Grid item md=\{6\}>\n *<EntityAboutCard \/>\n *<\/Grid>$/m,
  },
  {
    tag: '<Route ',
    file: 'src/App.tsx',
    marker:
      /^ *<Route path="\/catalog" element=\{<CatalogIndexPage \/>\} \/>$/m,
  },
  {
    tag: '<SidebarItem ',
    file: 'src/components/Root/Root.tsx',
    marker: /^ *<SidebarItem icon=\{HomeIcon\} to="catalog" text="Home" \/>$/m,
  },
];

function insertAtMarker(text, place, element) {
  const match = place.marker.exec(text);
  if (!match)
    throw new Error(
      `${place.file} of the legacy template has no place for ${place.tag}`,
    );
  const at = place.before ? match.index : match.index + match[0].length;
  const insertion = place.before ? `${element}\n` : `\n${element}`;
  return `${text.slice(0, at)}${insertion}${text.slice(at)}`;
}

/**
 * Wires the legacy app at `appPackageDir` with every TSX block of the plugin README's
 * legacy section. Throws when a block holds an element with no known place.
 */
export function wireLegacyApp(pluginReadme, appPackageDir) {
  const section = readmeSection(pluginReadme, 'Legacy frontend system');
  const files = new Map();
  const fileOf = name => {
    if (!files.has(name))
      files.set(name, {
        text: fs.readFileSync(path.join(appPackageDir, name), 'utf8'),
        imports: [],
      });
    return files.get(name);
  };
  for (const block of codeBlocks(section).filter(b => b.lang === 'tsx')) {
    const { imports, elements } = splitSnippet(block.code);
    for (const element of elements) {
      const place = LEGACY_PLACES.find(p => element.startsWith(p.tag));
      if (!place)
        throw new Error(
          `no place in a legacy app for the README's snippet: ${element}`,
        );
      const file = fileOf(place.file);
      file.text = insertAtMarker(file.text, place, element);
      // The block's imports that this element uses; a name another block of the same
      // file imports counts once.
      file.imports.push(
        ...imports.filter(i => new RegExp(`\\b${i.name}\\b`).test(element)),
      );
    }
  }
  for (const [name, file] of files)
    fs.writeFileSync(
      path.join(appPackageDir, name),
      `${importStatements(file.imports)}\n${file.text}`,
    );
  return [...files.keys()];
}

/** Adds the README's `backend.add(...)` lines before the backend starts. */
export function wireBackend(backendIndexFile, backendLines) {
  const text = fs.readFileSync(backendIndexFile, 'utf8');
  if (!text.includes('backend.start();'))
    throw new Error(`${backendIndexFile} has no backend.start()`);
  fs.writeFileSync(
    backendIndexFile,
    text.replace(
      'backend.start();',
      `${backendLines.join('\n')}\nbackend.start();`,
    ),
  );
}
