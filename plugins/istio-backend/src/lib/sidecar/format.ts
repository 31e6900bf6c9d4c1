/** `12345` → `12,345`; far cheaper than `toLocaleString` when called 100k times. */
export function formatCount(n: number): string {
  const digits = String(Math.round(n));
  const sign = digits.startsWith('-') ? '-' : '';
  const body = sign ? digits.slice(1) : digits;
  if (body.length <= 3) return digits;
  let i = body.length % 3 || 3;
  let out = body.slice(0, i);
  for (; i < body.length; i += 3) out += `,${body.slice(i, i + 3)}`;
  return sign + out;
}

/** `1 request`, `12,345 requests`. */
export function plural(n: number, word: string): string {
  return `${formatCount(n)} ${word}${Math.round(n) === 1 ? '' : 's'}`;
}

/** `a, b, c` — or the first five and how many more. */
export function listNames(names: readonly string[]): string {
  return names.length > 5
    ? `${names.slice(0, 5).join(', ')} and ${names.length - 5} more`
    : names.join(', ');
}

/** 32-bit FNV-1a as 8 hex digits: a short, stable fingerprint. */
export function shortHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
