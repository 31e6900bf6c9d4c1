// Minor-version helpers shared by the support-matrix functions (not exported).

/** A `major.minor` pair. */
export type Minor = [number, number];

/** `1.24.3`, `v1.24`, `1.32.3-gke.1200` → `[1, 24]`; anything else → undefined. */
export function parseMinor(version: string): Minor | undefined {
  const match = /^v?(\d+)\.(\d+)(?:[.\-+].*)?$/.exec(version.trim());
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareMinor(a: Minor, b: Minor): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** `1.30` → `[1, 30]`: only an exact `N.N`, as support-matrix rows write minors. */
export function parseExactMinor(value: string): Minor | undefined {
  const match = /^(\d+)\.(\d+)$/.exec(value);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** The last moment of an ISO date's day (UTC), in epoch milliseconds. */
export function endOfDay(isoDate: string): number {
  return Date.parse(`${isoDate}T23:59:59.999Z`);
}
