import type { Config } from '@backstage/config';

/**
 * An absolute http(s) URL without trailing slashes, or the reason it is not one (never
 * the value itself: a URL may carry credentials).
 */
export function parseHttpUrl(
  value: string,
): { url: string } | { problem: string } {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    return { problem: 'not an absolute URL' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    return { problem: 'only http and https are allowed' };
  return { url: value.replace(/\/+$/, '') };
}

/** An optional http(s) URL from config; a bad one fails with its full path. */
export function optionalHttpUrl(
  config: Config,
  key: string,
  path: string,
): string | undefined {
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  const parsed = parseHttpUrl(value);
  if ('problem' in parsed)
    throw new Error(
      `Invalid URL in config at '${path}.${key}': ${parsed.problem}`,
    );
  return parsed.url;
}
