import dns from 'node:dns';
import net from 'node:net';

// Anyone who can register a catalog entity chooses these URLs, and the backend sends
// its credentials there: like the Kubernetes plugin, only public HTTPS hosts unless an
// operator allows a host in config.
const NON_PUBLIC = new net.BlockList();
for (const [address, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
  ['224.0.0.0', 3],
] as const)
  NON_PUBLIC.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['::ffff:0:0', 96],
] as const)
  NON_PUBLIC.addSubnet(address, prefix, 'ipv6');

function isNonPublic(address: string): boolean {
  const family = net.isIP(address);
  if (family === 0) return true;
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function allowedByPattern(hostname: string, patterns: string[]): boolean {
  return patterns.some(pattern => {
    const p = pattern.toLowerCase();
    if (p.startsWith('*.'))
      return hostname.endsWith(p.slice(1)) || hostname === p.slice(2);
    return hostname === p;
  });
}

/**
 * Settings of a `catalog` cluster locator that loosen the URL rules.
 *
 * @public
 */
export interface CatalogUrlRules {
  /** Hosts (or `*.suffix` patterns) allowed over http or on private addresses. */
  dangerouslyAllowClusterUrls: string[];
}

/**
 * Checks an API server URL taken from a catalog entity; answers the reason it is
 * refused, or undefined when it may be used.
 */
export async function refuseCatalogApiServerUrl(
  value: string | undefined,
  rules: CatalogUrlRules,
): Promise<string | undefined> {
  let url: URL;
  try {
    url = new URL(value ?? '');
  } catch {
    return 'the api-server annotation is not an absolute URL';
  }
  if (url.username || url.password)
    return 'the api-server URL must not contain credentials';
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return 'the api-server URL must use http or https';
  const hostname = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (allowedByPattern(hostname, rules.dangerouslyAllowClusterUrls))
    return undefined;
  if (url.protocol !== 'https:') return 'the api-server URL must use https';
  const addresses = net.isIP(hostname)
    ? [hostname]
    : await dns.promises
        .lookup(hostname, { all: true })
        .then(found => found.map(a => a.address))
        .catch(() => undefined);
  if (!addresses) return `the api-server host '${hostname}' does not resolve`;
  if (addresses.some(isNonPublic))
    return `the api-server host '${hostname}' is not a public address (allow it in the catalog locator's dangerouslyAllowClusterUrls)`;
  return undefined;
}
