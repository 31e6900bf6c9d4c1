/** `231 MiB`, `38.5 MiB`, `812 KiB`; `unknown` when missing. */
export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes)) return 'unknown';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${
    value >= 100 || unit === 0 ? Math.round(value) : value.toFixed(1)
  } ${units[unit]}`;
}

/** Jaeger search for a service, in Istio's `<app>.<namespace>` naming. */
export function jaegerSearchUrl(base: string, service: string): string {
  return `${base}/search?${new URLSearchParams({
    service,
    lookback: '1h',
    limit: '20',
  })}`;
}
