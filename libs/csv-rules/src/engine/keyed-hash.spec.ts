import { keyedHash, type HashKey } from './keyed-hash';

/**
 * The reference HalfSipHash-2-4 64-bit vectors (key bytes 00..07, message bytes 00..n-1) for
 * even n: a string of code units 0x0100, 0x0302, ... is those bytes in UTF-16LE.
 */
const REFERENCE_64 = new Map([
  [0, '218d1f59b9b83cc8'],
  [2, '064f39ef7c50eb57'],
  [4, 'd5e78a175be52ea1'],
  [6, 'ce3e91358aa2bc25'],
  [8, 'edfee820bce4858c'],
  [10, '95b0469f06a6f2ee'],
]);

function messageOfBytes(length: number): string {
  let text = '';
  for (let byte = 0; byte < length; byte += 2) text += String.fromCharCode(byte | ((byte + 1) << 8));
  return text;
}

function hex(value: string, key: HashKey, rounds: [number, number] = [1, 3]): string {
  const out = new Int32Array(2);
  keyedHash(value, key[0], key[1], out, ...rounds);
  return Buffer.from(out.buffer).toString('hex');
}

describe('keyedHash', () => {
  it.each([...REFERENCE_64])('with 2 and 4 rounds, matches the reference HalfSipHash-2-4 vector for %i bytes', (length, expected) => {
    expect(hex(messageOfBytes(length), [0x03020100, 0x07060504], [2, 4])).toBe(expected);
  });

  it('gives different results under different keys and for an odd code unit at the end', () => {
    expect(hex('SKU-1', [1, 2])).not.toBe(hex('SKU-1', [1, 3]));
    expect(hex('SKU-1\u0000', [1, 2])).not.toBe(hex('SKU-1', [1, 2]));
    expect(hex('SKU-12', [1, 2])).not.toBe(hex('SKU-1', [1, 2]));
    // The default (1-3) rounds are the same function with fewer rounds: stable, and not the 2-4 result.
    expect(hex('SKU-1', [1, 2])).toBe(hex('SKU-1', [1, 2], [1, 3]));
    expect(hex('SKU-1', [1, 2])).not.toBe(hex('SKU-1', [1, 2], [2, 4]));
  });
});
