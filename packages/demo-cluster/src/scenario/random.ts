import { createHash } from 'node:crypto';

/** A number in [0, 1) that depends only on the inputs: stable names and noise. */
export function stableRandom(...parts: Array<string | number>): number {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

/** A stable lowercase alphanumeric suffix, like the hashes in generated pod names. */
export function stableSuffix(
  length: number,
  ...parts: Array<string | number>
): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[digest[i] % alphabet.length];
  return out;
}
