import { isUtf8 } from 'node:buffer';
import type { TextEncodingName } from './encoding-names';

export type BomDetection = TextEncodingName | 'none' | 'need_more_bytes';

/** Looks for a byte-order mark; with fewer than 3 bytes it may need more to be sure. */
export function detectBom(head: Uint8Array, isEnd: boolean): BomDetection {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head.length < 3 && !isEnd && isPrefixOfBom(head)) return 'need_more_bytes';
  return 'none';
}

function isPrefixOfBom(head: Uint8Array): boolean {
  if (head.length === 0) return true;
  if (head[0] === 0xff || head[0] === 0xfe) return head.length < 2;
  return head[0] === 0xef && (head.length < 2 || head[1] === 0xbb);
}

export function indexOfNonAscii(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) if (bytes[i] >= 0x80) return i;
  return -1;
}

/**
 * Decides between UTF-8 and Windows-1252 from the bytes that start at the first non-ASCII byte
 * (everything before it reads the same in both). Returns null when the sample ends inside a
 * UTF-8 sequence and more bytes may still come.
 */
export function judgeNonAsciiSample(sample: Uint8Array, isEnd: boolean): TextEncodingName | null {
  const complete = isEnd ? sample : withoutIncompleteUtf8Tail(sample);
  if (complete.length === 0) return isEnd ? 'windows-1252' : null;
  return isUtf8(complete) ? 'utf-8' : 'windows-1252';
}

/** Drops a trailing multi-byte sequence that the chunk boundary cut short. */
function withoutIncompleteUtf8Tail(bytes: Uint8Array): Uint8Array {
  const stop = Math.max(0, bytes.length - 4);
  for (let i = bytes.length - 1; i >= stop; i--) {
    const byte = bytes[i];
    if (byte < 0x80) return bytes;
    if (byte >= 0xc0) {
      const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return bytes.length - i >= needed ? bytes : bytes.subarray(0, i);
    }
  }
  return bytes;
}
