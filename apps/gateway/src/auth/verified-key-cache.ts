import type { KeyWithTenant } from '@validahub/tenancy';

interface Entry {
  value: KeyWithTenant;
  loadedAt: number;
}

/** The most entries kept; the oldest go first (a key used again is simply loaded again). */
const MAX_ENTRIES = 10_000;

/**
 * Keys and their tenants as last read from Postgres, by lookup id. Entries are dropped when an
 * invalidation names their key or tenant, and are not served past the age the caller allows
 * (long while invalidations arrive, at most 5 s while they cannot). The secret is still
 * checked against the hash on every request; the cache only saves the database read.
 */
export class VerifiedKeyCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every invalidation: a read that started before one must not be cached after it. */
  private generation = 0;

  get(lookupId: string, maxAgeMs: number, now = Date.now()): KeyWithTenant | undefined {
    const entry = this.entries.get(lookupId);
    if (!entry) return undefined;
    if (now - entry.loadedAt >= maxAgeMs) {
      this.entries.delete(lookupId);
      return undefined;
    }
    return entry.value;
  }

  /** Where a database read starts; pass the mark to `set` once it is done. */
  mark(): number {
    return this.generation;
  }

  set(lookupId: string, value: KeyWithTenant, mark: number, loadedAt = Date.now()): void {
    if (mark !== this.generation) return;
    this.entries.delete(lookupId);
    this.entries.set(lookupId, { value, loadedAt });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
  }

  invalidateKey(keyId: string): void {
    this.dropWhere((entry) => entry.value.key.id === keyId);
  }

  invalidateTenant(tenantId: string): void {
    this.dropWhere((entry) => entry.value.tenant.id === tenantId);
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private dropWhere(matches: (entry: Entry) => boolean): void {
    this.generation += 1;
    for (const [lookupId, entry] of this.entries) if (matches(entry)) this.entries.delete(lookupId);
  }
}
