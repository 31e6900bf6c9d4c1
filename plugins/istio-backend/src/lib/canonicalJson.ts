import { createHash } from 'node:crypto';

/** JSON with object keys sorted, so equal content always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map(
        k =>
          `${JSON.stringify(k)}:${canonicalJson(
            (value as Record<string, unknown>)[k],
          )}`,
      );
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * The fingerprint of a Kubernetes object's spec: equal for equal content whatever the
 * key order, so a Sidecar read later can be told unchanged from the one written.
 */
export function specDigest(spec: unknown): string {
  return createHash('sha256').update(canonicalJson(spec)).digest('hex');
}
