/** A container image split into hub (registry/path), image name, tag and digest. */
export interface ImageRef {
  /** Everything before the last `/`, e.g. `docker.io/istio`; undefined for `proxyv2:1.22`. */
  hub?: string;
  /** The last path segment, e.g. `proxyv2`. */
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * Parses `<hub>/<name>:<tag>[@digest]`. A registry port (`localhost:5000/istio/pilot`)
 * is not mistaken for a tag because only a `:` after the last `/` starts the tag.
 */
export function parseImage(image: string): ImageRef {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  let tag: string | undefined;
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const hub = slash >= 0 ? rest.slice(0, slash) : undefined;
  const name = slash >= 0 ? rest.slice(slash + 1) : rest;
  return {
    ...(hub ? { hub } : {}),
    name,
    ...(tag ? { tag } : {}),
    ...(digest ? { digest } : {}),
  };
}

/** A major.minor pair. */
export type Minor = [number, number];

/**
 * `1.22.3`, `v1.22`, `1.22.3-distroless`, `1.23-dev` → `[1, 22]` / `[1, 23]`.
 * `latest`, digests and other tags → undefined (unknown, never guessed).
 */
export function parseMinor(version: string | undefined): Minor | undefined {
  if (!version) return undefined;
  const match = /^v?(\d+)\.(\d+)(?:[.\-+_].*)?$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareMinor(a: Minor, b: Minor): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** True when the version is known and at least `major.minor`. */
export function isAtLeast(
  version: string | undefined,
  minimum: Minor,
): boolean {
  const minor = parseMinor(version);
  return minor !== undefined && compareMinor(minor, minimum) >= 0;
}

/** `[1, 22]` → `1.22`. */
export function formatMinor(minor: Minor): string {
  return `${minor[0]}.${minor[1]}`;
}
