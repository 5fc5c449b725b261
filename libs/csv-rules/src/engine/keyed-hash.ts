import { randomFillSync } from 'node:crypto';

/** A 64-bit secret key as two 32-bit words. */
export type HashKey = readonly [number, number];

export function randomHashKey(): HashKey {
  const words = randomFillSync(new Int32Array(2));
  return [words[0], words[1]];
}

/**
 * HalfSipHash with a 64-bit result (Aumasson & Bernstein's keyed hash), over a string's UTF-16
 * code units read as little-endian bytes. With a random key per table, values crafted to
 * collide for one table do not collide in another, so a file cannot be built to turn lookups
 * into long probe chains. The default 1 compression and 3 finalization rounds are the variant
 * made for hash tables (as in the Linux kernel's hsiphash and Rust's SipHash-1-3); 2 and 4 give
 * HalfSipHash-2-4, whose published vectors the tests check. One function on local variables
 * (no helper calls), so it stays fast however deep the caller inlines it; the two result words
 * go to `out`.
 */
export function keyedHash(value: string, k0: number, k1: number, out: Int32Array, compressionRounds = 1, finalRounds = 3): void {
  let v0 = k0;
  let v1 = k1 ^ 0xee;
  let v2 = 0x6c796765 ^ k0;
  let v3 = 0x74656462 ^ k1;
  const length = value.length;
  const pairs = length >> 1;
  // Steps: one per message block (two code units each, then the last block), then the two finalisation halves.
  const blocks = pairs + 1;
  for (let step = 0; step < blocks + 2; step++) {
    let word = 0;
    let rounds = compressionRounds;
    if (step < pairs) {
      word = value.charCodeAt(2 * step) | (value.charCodeAt(2 * step + 1) << 16);
    } else if (step === pairs) {
      // The last block: the byte length's low 8 bits on top, any odd code unit at the bottom.
      word = (((length * 2) & 0xff) << 24) | (length & 1 ? value.charCodeAt(length - 1) : 0);
    } else {
      rounds = finalRounds;
      if (step === blocks) v2 ^= 0xee;
      else v1 ^= 0xdd;
    }
    v3 ^= word;
    for (let round = 0; round < rounds; round++) {
      v0 = (v0 + v1) | 0;
      v1 = ((v1 << 5) | (v1 >>> 27)) ^ v0;
      v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0;
      v3 = ((v3 << 8) | (v3 >>> 24)) ^ v2;
      v0 = (v0 + v3) | 0;
      v3 = ((v3 << 7) | (v3 >>> 25)) ^ v0;
      v2 = (v2 + v1) | 0;
      v1 = ((v1 << 13) | (v1 >>> 19)) ^ v2;
      v2 = (v2 << 16) | (v2 >>> 16);
    }
    v0 ^= word;
    if (step >= blocks) out[step - blocks] = v1 ^ v3;
  }
}
