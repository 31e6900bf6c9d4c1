// Measures the JavaScript an app build emitted: every .js file gzipped at level 9,
// which is about what a browser downloads from a server that compresses responses.
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';

/**
 * What an output file is, for comparing two builds: its name without the content
 * hash. Chunks named by number are one group, since those ids are not stable between
 * builds of different module sets.
 */
export function chunkGroup(file) {
  const stem = file.replace(/\.[0-9a-f]{8,}(?=(\.chunk)?\.js$)/, '');
  return /(^|\/)\d+\.chunk\.js$/.test(stem) ? 'numbered lazy chunks' : stem;
}

/** The scripts index.html loads up front (the rest load on demand). */
function initialScripts(distDir) {
  const html = path.join(distDir, 'index.html');
  if (!fs.existsSync(html)) return new Set();
  const text = fs.readFileSync(html, 'utf8');
  const names = [...text.matchAll(/<script\b[^>]*\bsrc="([^"]+\.js)"/g)].map(
    m => path.posix.basename(m[1]),
  );
  return new Set(names);
}

/**
 * Sizes of all .js files under `distDir`: per file and in total, raw and gzipped, and
 * the gzipped total of the scripts loaded on first page load.
 */
export function measureJs(distDir) {
  const initial = initialScripts(distDir);
  const files = [];
  for (const entry of fs.readdirSync(distDir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    const content = fs.readFileSync(full);
    files.push({
      file: path.relative(distDir, full).split(path.sep).join('/'),
      bytes: content.length,
      gzipBytes: gzipSync(content, { level: constants.Z_BEST_COMPRESSION })
        .length,
      initial: initial.has(entry.name),
    });
  }
  const sum = (list, key) => list.reduce((total, f) => total + f[key], 0);
  return {
    files,
    bytes: sum(files, 'bytes'),
    gzipBytes: sum(files, 'gzipBytes'),
    initialGzipBytes: sum(
      files.filter(f => f.initial),
      'gzipBytes',
    ),
  };
}

/** True when any emitted .js file contains `marker`. */
export function jsContains(distDir, marker) {
  for (const entry of fs.readdirSync(distDir, {
    recursive: true,
    withFileTypes: true,
  })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const full = path.join(entry.parentPath ?? entry.path, entry.name);
    if (fs.readFileSync(full, 'utf8').includes(marker)) return true;
  }
  return false;
}
