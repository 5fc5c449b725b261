import type { KeyWithTenant } from '@validahub/tenancy';
import { VerifiedKeyCache } from './verified-key-cache';

const entry = (keyId: string, tenantId: string) => ({ key: { id: keyId }, tenant: { id: tenantId } }) as unknown as KeyWithTenant;

describe('VerifiedKeyCache', () => {
  it('serves an entry only while it is younger than the age the caller allows', () => {
    const cache = new VerifiedKeyCache();
    cache.set('lookup-1', entry('k1', 't1'), cache.mark(), 1_000);
    expect(cache.get('lookup-1', 4_000, 4_999)).toBeDefined();
    expect(cache.get('lookup-1', 4_000, 5_000)).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the entries of a revoked key or a changed tenant, and nothing else', () => {
    const cache = new VerifiedKeyCache();
    for (const [lookup, key, tenant] of [
      ['l1', 'k1', 't1'],
      ['l2', 'k2', 't1'],
      ['l3', 'k3', 't2'],
    ]) {
      cache.set(lookup, entry(key, tenant), cache.mark());
    }
    cache.invalidateKey('k3');
    expect(['l1', 'l2', 'l3'].map((lookup) => cache.get(lookup, 60_000) !== undefined)).toEqual([true, true, false]);
    cache.invalidateTenant('t1');
    expect(cache.size).toBe(0);
  });

  it('does not keep a read that started before an invalidation', () => {
    const cache = new VerifiedKeyCache();
    const mark = cache.mark();
    cache.invalidateKey('k1'); // arrives while the database read is in flight
    cache.set('l1', entry('k1', 't1'), mark);
    expect(cache.get('l1', 60_000)).toBeUndefined();
    cache.set('l1', entry('k1', 't1'), cache.mark());
    expect(cache.get('l1', 60_000)).toBeDefined();
  });

  it('clears everything (a subscription back from an outage)', () => {
    const cache = new VerifiedKeyCache();
    cache.set('l1', entry('k1', 't1'), cache.mark());
    cache.clear();
    expect(cache.get('l1', 60_000)).toBeUndefined();
  });
});
