import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

// `vh_` + lookup id + secret + checksum, all base62 (like GitHub's tokens): a secret scanner
// recognises the prefix, and a mistyped key fails its CRC32 before any database read.
export const API_KEY_PREFIX = 'vh_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const LOOKUP_ID_LENGTH = 12; // ~71 bits: unique without coordination
const SECRET_LENGTH = 32; // ~190 bits
const CHECKSUM_LENGTH = 6; // 62^6 > 2^32
const KEY_PATTERN = new RegExp(
  `^${API_KEY_PREFIX}([0-9A-Za-z]{${LOOKUP_ID_LENGTH}})([0-9A-Za-z]{${SECRET_LENGTH}})([0-9A-Za-z]{${CHECKSUM_LENGTH}})$`,
);

export interface ParsedApiKey {
  /** Stored in clear, indexed: how the gateway finds the key's row. */
  lookupId: string;
  /** Never stored: only its HMAC is. */
  secret: string;
}

/** The part of a key safe to show again (lists, logs): `vh_` + lookup id. */
export function displayPrefix(lookupId: string): string {
  return `${API_KEY_PREFIX}${lookupId}`;
}

export function generateApiKey(): { key: string } & ParsedApiKey {
  const lookupId = randomBase62(LOOKUP_ID_LENGTH);
  const secret = randomBase62(SECRET_LENGTH);
  const body = `${API_KEY_PREFIX}${lookupId}${secret}`;
  return { key: `${body}${checksum(body)}`, lookupId, secret };
}

/** The key's parts, or null when it is not a well-formed key with a matching checksum. */
export function parseApiKey(candidate: string): ParsedApiKey | null {
  const match = KEY_PATTERN.exec(candidate);
  if (!match) return null;
  const [, lookupId, secret, sum] = match;
  return checksum(`${API_KEY_PREFIX}${lookupId}${secret}`) === sum ? { lookupId, secret } : null;
}

function checksum(body: string): string {
  return toBase62(crc32(body), CHECKSUM_LENGTH);
}

function toBase62(value: number, width: number): string {
  let text = '';
  for (let rest = value; rest > 0; rest = Math.floor(rest / 62)) text = BASE62[rest % 62] + text;
  return text.padStart(width, '0');
}

/** Uniform base62 characters: bytes >= 248 are dropped so `byte % 62` has no bias. */
function randomBase62(length: number): string {
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && text.length < length) text += BASE62[byte % 62];
    }
  }
  return text;
}
