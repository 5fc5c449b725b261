import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { createJobsDataSource, migrateWithLock } from '@validahub/jobs-persistence';
import { createTestDatabase, TestDatabase } from '@validahub/testing';
import { TenancyAdminError } from './admin/admin-errors';
import { TenantAdmin } from './admin/tenant-admin';
import type { TenancyInvalidation } from './invalidation';
import { parseApiKey } from './keys/api-key-format';
import { KeyHasher } from './keys/key-hasher';
import { TENANCY_MIGRATIONS } from './store/schema';
import { TenancyStore } from './store/tenancy-store';

describe('tenancy store and admin (Postgres)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: TenancyStore;
  let admin: TenantAdmin;
  const hasher = new KeyHasher('a-server-secret-for-this-test-only');
  const published: TenancyInvalidation[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('tenancy');
    dataSource = await createJobsDataSource({ databaseUrl: db.url, extraMigrations: TENANCY_MIGRATIONS }).initialize();
    await migrateWithLock(dataSource);
    store = new TenancyStore(dataSource);
    admin = new TenantAdmin(store, hasher, { notify: async (message) => void published.push(message), serverBuckets: ['partner-feeds'] });
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  async function failure(promise: Promise<unknown>): Promise<TenancyAdminError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TenancyAdminError);
    return error as TenancyAdminError;
  }

  it('has the anonymous tenant row, which jobs from before tenancy point to', async () => {
    expect(await store.findTenant(ANONYMOUS_TENANT_ID)).toMatchObject({ name: 'anonymous', status: 'active' });
    expect(await store.findTenant('anonymous')).toMatchObject({ id: ANONYMOUS_TENANT_ID });
  });

  it('creates tenants with unique names and a default plan, found by id or by name', async () => {
    const acme = await admin.createTenant({ name: 'acme', plan: 'pro' });
    expect(acme).toMatchObject({ name: 'acme', plan: 'pro', status: 'active', allowedBuckets: [], limitOverrides: {} });
    expect((await admin.createTenant({ name: 'solo' })).plan).toBe('free');
    expect(await admin.showTenant(acme.id)).toEqual(acme);
    expect(await admin.showTenant('acme')).toEqual(acme);
    expect((await failure(admin.createTenant({ name: 'acme', plan: 'free' }))).kind).toBe('conflict');
    expect((await failure(admin.showTenant('nobody'))).kind).toBe('not-found');
    expect((await admin.listTenants()).map((t) => t.name)).toEqual(expect.arrayContaining(['anonymous', 'acme', 'solo']));
  });

  it.each([
    [{ name: 'Has Spaces', plan: 'pro' }, 'name'],
    [{ name: 'anonymous', plan: 'pro' }, 'name'],
    [{ name: 'ok-name', plan: 'gold' }, 'plan'],
    [{ name: 'ok-name', plan: 'pro', allowedBuckets: ['Not_A_Bucket'] }, 'allowed_buckets'],
    [{ name: 'ok-name', plan: 'pro', allowedBuckets: ['someone-elses-bucket'] }, 'allowed_buckets'],
  ])('refuses the tenant %j on field %s', async (input, field) => {
    const error = await failure(admin.createTenant(input));
    expect(error).toMatchObject({ kind: 'invalid', field });
  });

  it('stores only a hash of a new key; the key authenticates, a look-alike does not', async () => {
    const tenant = await admin.createTenant({ name: 'keyed', plan: 'business', allowedBuckets: ['partner-feeds'] });
    const { record, key } = await admin.createKey('keyed', { expiresIn: '90d' });
    expect(record.scopes).not.toContain('admin');
    expect(record.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    const rows: { secret_hash: Buffer }[] = await dataSource.query(`SELECT secret_hash FROM api_keys WHERE id = $1`, [record.id]);
    expect(rows[0].secret_hash.toString('hex')).not.toContain(Buffer.from(key).toString('hex').slice(20, 40));

    const parsed = parseApiKey(key)!;
    const found = await store.findKeyForAuthentication(parsed.lookupId);
    expect(found?.tenant).toMatchObject({ id: tenant.id, plan: 'business', allowedBuckets: ['partner-feeds'] });
    expect(hasher.matches(parsed, found!.key.secretHash)).toBe(true);
    expect(hasher.matches({ ...parsed, secret: parsed.secret.replace(/.$/, 'x') }, found!.key.secretHash)).toBe(false);
    expect(await store.findKeyForAuthentication('000000000000')).toBeNull();
  });

  it('creates admin keys with the admin scope only, and refuses keys for the anonymous tenant', async () => {
    await admin.createTenant({ name: 'operators', plan: 'enterprise' });
    expect((await admin.createKey('operators', { admin: true })).record.scopes).toEqual(['admin']);
    expect((await failure(admin.createKey('operators', { scopes: ['admin', 'jobs:read'] }))).field).toBe('scopes');
    expect((await failure(admin.createKey('anonymous'))).field).toBe('tenant');
    expect((await failure(admin.createKey('operators', { expiresIn: 'soon' }))).field).toBe('expires_in');
  });

  it('revokes by id or displayed prefix, once, and tells the gateways', async () => {
    await admin.createTenant({ name: 'revoking', plan: 'pro' });
    const first = await admin.createKey('revoking');
    const second = await admin.createKey('revoking');
    published.length = 0;
    const revoked = await admin.revokeKey(first.record.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await admin.revokeKey(first.record.id)).revokedAt).toEqual(revoked.revokedAt);
    await admin.revokeKey(`vh_${second.record.lookupId}`);
    expect(published).toEqual([
      { kind: 'key', id: first.record.id },
      { kind: 'key', id: first.record.id },
      { kind: 'key', id: second.record.id },
    ]);
    expect((await admin.listKeys('revoking')).every((key) => key.revokedAt !== null)).toBe(true);
    expect((await failure(admin.revokeKey(randomUUID()))).kind).toBe('not-found');
  });

  it('changes plan, status and buckets, tells the gateways, and refuses the anonymous tenant', async () => {
    const tenant = await admin.createTenant({ name: 'changing', plan: 'free' });
    published.length = 0;
    expect(await admin.updateTenant('changing', { plan: 'enterprise' })).toMatchObject({ plan: 'enterprise' });
    expect(await admin.updateTenant(tenant.id, { status: 'suspended' })).toMatchObject({ status: 'suspended', plan: 'enterprise' });
    expect(await admin.updateTenant(tenant.id, { status: 'active', allowedBuckets: ['partner-feeds'] })).toMatchObject({
      status: 'active',
      allowedBuckets: ['partner-feeds'],
    });
    expect(published).toEqual(Array(3).fill({ kind: 'tenant', id: tenant.id }));
    expect((await failure(admin.updateTenant('changing', { status: 'paused' }))).field).toBe('status');
    expect((await failure(admin.updateTenant('changing', {}))).field).toBe('body');
    expect((await failure(admin.updateTenant('anonymous', { plan: 'pro' }))).field).toBe('tenant');
  });

  it('records last use at most once a minute', async () => {
    await admin.createTenant({ name: 'busy', plan: 'pro' });
    const { record } = await admin.createKey('busy');
    await store.touchLastUsed(record.id);
    const firstUse = (await store.findKey(record.id))!.lastUsedAt;
    expect(firstUse).toBeInstanceOf(Date);
    await store.touchLastUsed(record.id);
    expect((await store.findKey(record.id))!.lastUsedAt).toEqual(firstUse);
    await dataSource.query(`UPDATE api_keys SET last_used_at = now() - interval '61 seconds' WHERE id = $1`, [record.id]);
    await store.touchLastUsed(record.id);
    expect((await store.findKey(record.id))!.lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 5_000);
  });

  it('refuses a job of a tenant that does not exist (foreign key)', async () => {
    const insert = `INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id)
                    VALUES ($1, $2, 'noop_job', 'queued', '{}', 1, 'free', 'queue-free', 1, 'c')`;
    await expect(dataSource.query(insert, [randomUUID(), randomUUID()])).rejects.toThrow(/jobs_tenant_fk/);
    await expect(dataSource.query(insert, [randomUUID(), ANONYMOUS_TENANT_ID])).resolves.toBeDefined();
  });
});
