// Benchmarks only: adds clusters to the demo's generated Backstage config, so one
// backend sees several clusters. `DEMO_EXTRA_CLUSTERS=demo-2,demo-3,hanging=https://127.0.0.1:4321`
// lists the demo simulator again under each bare name (same API server, token, CA and
// Prometheus), and points each `name=URL` at that URL instead (loopback only, since it
// gets the demo token; no Prometheus). Used by scripts/bench-endpoints.mjs.
import fs from 'node:fs';

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Parses the DEMO_EXTRA_CLUSTERS value into `{ name, url? }` entries; throws on bad input. */
export function parseExtraClusters(spec) {
  return spec
    .split(',')
    .map(part => part.trim())
    .filter(Boolean)
    .map(part => {
      const [name, url] = part.split(/=(.*)/s, 2);
      if (!NAME.test(name)) throw new Error(`not a cluster name: ${name}`);
      if (url === undefined) return { name };
      const parsed = new URL(url);
      if (parsed.protocol !== 'https:' || !LOOPBACK.has(parsed.hostname)) {
        throw new Error(`${name}: only https loopback URLs are allowed`);
      }
      return { name, url: parsed.origin };
    });
}

/** Rewrites the generated app-config at `file` with the extra clusters of `spec`. */
export async function addExtraClusters(file, spec) {
  const { default: yaml } = await import('yaml');
  const extras = parseExtraClusters(spec);
  // The demo cluster writes the file in one call; retry briefly if we caught it half-written.
  let config;
  for (let attempt = 0; ; attempt++) {
    try {
      config = yaml.parse(fs.readFileSync(file, 'utf8'));
      if (config?.kubernetes?.clusterLocatorMethods?.[0]?.clusters?.[0]) break;
    } catch (error) {
      if (attempt >= 20) throw error;
    }
    if (attempt >= 20) throw new Error(`${file} has no demo cluster`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
  const clusters = config.kubernetes.clusterLocatorMethods[0].clusters;
  const demo = clusters[0];
  const demoIstio = config.istio?.clusters?.find(c => c.name === demo.name);
  for (const extra of extras) {
    clusters.push({
      ...demo,
      name: extra.name,
      title: extra.url
        ? `${extra.name} (benchmark: ${extra.url})`
        : `${demo.title} as ${extra.name}`,
      ...(extra.url ? { url: extra.url } : {}),
    });
    if (demoIstio && !extra.url) {
      config.istio.clusters.push({ ...demoIstio, name: extra.name });
    }
  }
  fs.writeFileSync(file, yaml.stringify(config), { mode: 0o600 });
  return extras;
}
