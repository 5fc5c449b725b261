import { randomFillSync } from 'node:crypto';

/** A 64-bit secret key as two 32-bit words. */
export type HashKey = readonly [number, number];

export function randomHashKey(): HashKey {
  const words = randomFillSync(new Int32Array(2));
  return [words[0], words[1]];
}

/**
 * HalfSipHash-2-4 with a 64-bit result (Aumasson & Bernstein's keyed hash for hash tables),
 * over a string's UTF-16 code units read as little-endian bytes. With a random key per table,
 * values crafted to collide for one table do not collide in another, so a file cannot be built
 * to turn lookups into long probe chains. Results land in `high`/`low`, so a lookup allocates
 * nothing.
 */
export class KeyedStringHash {
  high = 0;
  low = 0;
  private v0 = 0;
  private v1 = 0;
  private v2 = 0;
  private v3 = 0;

  constructor(private readonly key: HashKey) {}

  hash(value: string): void {
    const [k0, k1] = this.key;
    this.v0 = k0;
    this.v1 = k1 ^ 0xee;
    this.v2 = 0x6c796765 ^ k0;
    this.v3 = 0x74656462 ^ k1;
    const length = value.length;
    const pairsEnd = length & ~1;
    for (let i = 0; i < pairsEnd; i += 2) this.absorb(value.charCodeAt(i) | (value.charCodeAt(i + 1) << 16));
    // The last block: the byte length's low 8 bits on top, any odd code unit at the bottom.
    const tail = pairsEnd === length ? 0 : value.charCodeAt(pairsEnd);
    this.absorb((((length * 2) & 0xff) << 24) | tail);
    this.v2 ^= 0xee;
    this.rounds(4);
    this.high = this.v1 ^ this.v3;
    this.v1 ^= 0xdd;
    this.rounds(4);
    this.low = this.v1 ^ this.v3;
  }

  private absorb(word: number): void {
    this.v3 ^= word;
    this.rounds(2);
    this.v0 ^= word;
  }

  private rounds(count: number): void {
    let v0 = this.v0;
    let v1 = this.v1;
    let v2 = this.v2;
    let v3 = this.v3;
    for (let round = 0; round < count; round++) {
      v0 = (v0 + v1) | 0;
      v1 = (v1 << 5) | (v1 >>> 27);
      v1 ^= v0;
      v0 = (v0 << 16) | (v0 >>> 16);
      v2 = (v2 + v3) | 0;
      v3 = (v3 << 8) | (v3 >>> 24);
      v3 ^= v2;
      v0 = (v0 + v3) | 0;
      v3 = (v3 << 7) | (v3 >>> 25);
      v3 ^= v0;
      v2 = (v2 + v1) | 0;
      v1 = (v1 << 13) | (v1 >>> 19);
      v1 ^= v2;
      v2 = (v2 << 16) | (v2 >>> 16);
    }
    this.v0 = v0;
    this.v1 = v1;
    this.v2 = v2;
    this.v3 = v3;
  }
}
