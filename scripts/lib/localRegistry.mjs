// A loopback npm registry that serves only the tarballs we packed, so an app installs
// our packages by name, from a registry, exactly as an adopter does. Nothing else
// fits: a full registry server (Verdaccio) would add hundreds of packages for a few
// files, and `file:` dependencies would skip what a registry install does.
import crypto from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

function manifestOf(tarball) {
  // Packed by `yarn pack`: the manifest as publishing rewrote it.
  const json = execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], {
    encoding: 'utf8',
  });
  return JSON.parse(json);
}

function digest(algorithm, bytes, encoding) {
  return crypto.createHash(algorithm).update(bytes).digest(encoding);
}

/** One package document per tarball, in the registry's format. */
function packuments(tarballs, baseUrl) {
  const byName = new Map();
  for (const tarball of tarballs) {
    const manifest = manifestOf(tarball);
    const bytes = fs.readFileSync(tarball);
    const file = path.basename(tarball);
    byName.set(manifest.name, {
      name: manifest.name,
      'dist-tags': { latest: manifest.version },
      time: { [manifest.version]: fs.statSync(tarball).mtime.toISOString() },
      versions: {
        [manifest.version]: {
          ...manifest,
          dist: {
            tarball: `${baseUrl}/tarballs/${encodeURIComponent(file)}`,
            shasum: digest('sha1', bytes, 'hex'),
            integrity: `sha512-${digest('sha512', bytes, 'base64')}`,
          },
        },
      },
    });
  }
  return byName;
}

/**
 * Serves `tarballs` on 127.0.0.1 (a free port). Resolves to the registry's URL and a
 * `stop` function. Unknown packages get 404, as from a registry that lacks them.
 */
export async function startLocalRegistry(tarballs) {
  const files = new Map(tarballs.map(file => [path.basename(file), file]));
  let documents = new Map();
  const server = http.createServer((request, response) => {
    const pathname = decodeURIComponent(
      new URL(request.url, 'http://x').pathname,
    );
    const tarball = pathname.startsWith('/tarballs/')
      ? files.get(pathname.slice('/tarballs/'.length))
      : undefined;
    if (tarball) {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      fs.createReadStream(tarball).pipe(response);
      return;
    }
    const document = documents.get(pathname.slice(1));
    response.writeHead(document ? 200 : 404, {
      'content-type': 'application/json',
    });
    response.end(JSON.stringify(document ?? { error: 'Not found' }));
  });
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}`;
  documents = packuments(tarballs, url);
  return {
    url,
    packages: [...documents.keys()],
    stop: () => new Promise(resolve => server.close(resolve)),
  };
}
