import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ParsedApiKey } from './api-key-format';

/**
 * HMAC-SHA256 of a key's secret, keyed by API_KEY_HMAC_SECRET. A fast keyed hash is the right
 * tool for ~190-bit random secrets (nothing to brute-force), and without the server secret a
 * copy of the table verifies nothing. The lookup id is bound in, so a hash cannot be moved
 * to another row.
 */
export class KeyHasher {
  constructor(private readonly serverSecret: string) {
    if (!serverSecret) throw new Error('KeyHasher needs the API key HMAC secret');
  }

  hash(key: ParsedApiKey): Buffer {
    return createHmac('sha256', this.serverSecret).update(`${key.lookupId}:${key.secret}`).digest();
  }

  /** Constant-time comparison with the stored hash. */
  matches(key: ParsedApiKey, storedHash: Buffer): boolean {
    const computed = this.hash(key);
    return storedHash.length === computed.length && timingSafeEqual(storedHash, computed);
  }
}
