import { Injectable, Logger } from '@nestjs/common';
import { KeyHasher, KeyWithTenant, parseApiKey, TenancyStore } from '@validahub/tenancy';
import type { KeyRejection } from './auth-problems';
import { InvalidationListener } from './invalidation-listener';
import { VerifiedKeyCache } from './verified-key-cache';

export type Verification = { ok: true; found: KeyWithTenant } | { ok: false; why: Exclude<KeyRejection, 'missing'> };

const LAST_USED_EVERY_MS = 60_000;

/**
 * Turns a presented key into its record and tenant. A malformed key (bad checksum) is refused
 * before any read; a known key is served from the cache, so the steady state costs an HMAC and
 * no database round trip. `last_used_at` is written at most once a minute per key, in the
 * background: a request never waits for it.
 */
@Injectable()
export class ApiKeyVerifier {
  private readonly logger = new Logger('ApiKeyVerifier');
  private readonly inFlight = new Map<string, Promise<KeyWithTenant | null>>();
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly store: TenancyStore,
    private readonly hasher: KeyHasher,
    private readonly cache: VerifiedKeyCache,
    private readonly invalidations: InvalidationListener,
  ) {}

  async verify(presented: string): Promise<Verification> {
    const parsed = parseApiKey(presented);
    if (!parsed) return { ok: false, why: 'malformed' };
    const found = await this.load(parsed.lookupId);
    if (!found || !this.hasher.matches(parsed, found.key.secretHash)) return { ok: false, why: 'unknown' };
    // Told apart only for whoever holds the whole key: the hash has matched.
    if (found.key.revokedAt) return { ok: false, why: 'revoked' };
    if (found.key.expiresAt && found.key.expiresAt.getTime() <= Date.now()) return { ok: false, why: 'expired' };
    this.recordUse(found.key.id);
    return { ok: true, found };
  }

  private load(lookupId: string): Promise<KeyWithTenant | null> {
    const cached = this.cache.get(lookupId, this.invalidations.maxAgeMs());
    if (cached) return Promise.resolve(cached);
    // Concurrent first requests with one key share a single read.
    let pending = this.inFlight.get(lookupId);
    if (!pending) {
      const mark = this.cache.mark();
      pending = this.store.findKeyForAuthentication(lookupId).then((found) => {
        if (found) this.cache.set(lookupId, found, mark);
        return found;
      });
      pending.finally(() => this.inFlight.delete(lookupId)).catch(() => undefined);
      this.inFlight.set(lookupId, pending);
    }
    return pending;
  }

  private recordUse(keyId: string): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(keyId) ?? 0) < LAST_USED_EVERY_MS) return;
    this.lastUsedWrites.set(keyId, now);
    this.store.touchLastUsed(keyId).catch((error: unknown) => this.logger.debug(`last_used_at not recorded: ${String(error)}`));
  }
}
