export { parseImage } from '../parse';
export type { ImageRef } from '../parse';

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
