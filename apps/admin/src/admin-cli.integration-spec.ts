import { Writable } from 'node:stream';
import IORedis from 'ioredis';
import { createJobsDataSource, migrateWithLock } from '@validahub/jobs-persistence';
import { createRedis } from '@validahub/jobs-queueing';
import { KeyHasher, parseApiKey, TENANCY_MIGRATIONS, TenancyStore, tenancyInvalidationChannel } from '@validahub/tenancy';
import { createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { runAdminCli } from './admin-cli';

const SECRET = 'an-api-key-secret-for-the-admin-cli-test';

function buffer(): Writable & { text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return Object.assign(stream, { text: () => text });
}

describe('npm run admin (against real Postgres and Redis)', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  let subscriber: IORedis;
  const published: unknown[] = [];

  beforeAll(async () => {
    db = await createTestDatabase('admin_cli');
    const prefix = uniqueQueuePrefix('admin');
    env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL, QUEUE_PREFIX: prefix, API_KEY_HMAC_SECRET: SECRET, S3_ALLOWED_BUCKETS: 'partner-feeds' };
    subscriber = createRedis(TEST_REDIS_URL, 'worker');
    subscriber.on('message', (_channel, message) => published.push(JSON.parse(message)));
    await subscriber.subscribe(tenancyInvalidationChannel(prefix));
  });
  afterAll(async () => {
    subscriber.disconnect();
    await db.drop();
  });

  async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string; json: () => Record<string, unknown> }> {
    const stdout = buffer();
    const stderr = buffer();
    const code = await runAdminCli(['node', 'admin', ...args], { stdout, stderr }, env);
    return {
      code,
      stdout: stdout.text(),
      stderr: stderr.text(),
      json: () => {
        // Exactly one JSON object: one line that parses as an object.
        const lines = stdout.text().trimEnd().split('\n');
        expect(lines).toHaveLength(1);
        const parsed = JSON.parse(lines[0]);
        expect(parsed).toEqual(expect.any(Object));
        expect(Array.isArray(parsed)).toBe(false);
        return parsed;
      },
    };
  }

  it('refuses to run before the tenant tables exist, saying what to do (exit 2)', async () => {
    const result = await admin('tenants', 'list', '--json');
    expect(result.code).toBe(2);
    expect(result.json()).toEqual({ error: { kind: 'setup', message: expect.stringContaining('npm run migrate') } });
    const dataSource = await createJobsDataSource({ databaseUrl: db.url, extraMigrations: TENANCY_MIGRATIONS }).initialize();
    await migrateWithLock(dataSource);
    await dataSource.destroy();
  });

  it('tenants create / show / list print the tenant, --json exactly one object', async () => {
    const created = await admin('tenants', 'create', '--name', 'acme', '--plan', 'pro', '--json');
    expect(created.code).toBe(0);
    const tenant = created.json();
    expect(tenant).toMatchObject({ id: expect.any(String), name: 'acme', plan: 'pro', status: 'active' });
    expect((await admin('tenants', 'show', 'acme', '--json')).json()).toEqual(tenant);
    expect((await admin('tenants', 'show', tenant.id as string, '--json')).json()).toEqual(tenant);
    const listed = (await admin('tenants', 'list', '--json')).json() as { items: { name: string }[] };
    expect(listed.items.map((t) => t.name)).toEqual(expect.arrayContaining(['anonymous', 'acme']));
    const human = await admin('tenants', 'show', 'acme');
    expect(human.stdout).toContain('acme');
    expect(human.stdout).not.toContain('\u001b[');
  });

  it('answers refusals with exit 1 and one error object naming the field', async () => {
    const taken = await admin('tenants', 'create', '--name', 'acme', '--json');
    expect(taken.code).toBe(1);
    expect(taken.json()).toEqual({ error: { kind: 'conflict', field: 'name', message: expect.stringContaining('already exists') } });
    const badPlan = await admin('tenants', 'set-plan', 'acme', 'gold', '--json');
    expect([badPlan.code, badPlan.json()]).toEqual([1, { error: { kind: 'invalid', field: 'plan', message: expect.any(String) } }]);
    const missing = await admin('tenants', 'show', 'nobody', '--json');
    expect([missing.code, (missing.json().error as { kind: string }).kind]).toEqual([1, 'not-found']);
    const noSuchBucket = await admin('tenants', 'set-buckets', 'acme', 'other-bucket', '--json');
    expect((noSuchBucket.json().error as { field: string }).field).toBe('allowed_buckets');
    expect((await admin('tenants', 'create', '--json')).code).toBe(2);
  });

  it('keys create shows the key once; only its hash is stored, and it verifies', async () => {
    const result = await admin('keys', 'create', '--tenant', 'acme', '--expires-in', '90d', '--json');
    const created = result.json() as { id: string; key: string; prefix: string; scopes: string[]; expires_at: string };
    expect(Object.keys(created).sort()).toEqual(['expires_at', 'id', 'key', 'prefix', 'scopes']);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    expect(created.scopes).not.toContain('admin');
    expect(Date.parse(created.expires_at)).toBeGreaterThan(Date.now() + 89 * 86_400_000);
    const dataSource = await createJobsDataSource({ databaseUrl: db.url }).initialize();
    try {
      const found = await new TenancyStore(dataSource).findKeyForAuthentication(parseApiKey(created.key)!.lookupId);
      expect(new KeyHasher(SECRET).matches(parseApiKey(created.key)!, found!.key.secretHash)).toBe(true);
    } finally {
      await dataSource.destroy();
    }
    const adminKey = (await admin('keys', 'create', '--tenant', 'acme', '--admin', '--json')).json();
    expect(adminKey.scopes).toEqual(['admin']);
    const scoped = (await admin('keys', 'create', '--tenant', 'acme', '--scopes', 'jobs:read,files:write', '--json')).json();
    expect(scoped.scopes).toEqual(['jobs:read', 'files:write']);
    const listed = (await admin('keys', 'list', '--tenant', 'acme', '--json')).json() as { items: Record<string, unknown>[] };
    expect(listed.items).toHaveLength(3);
    expect(JSON.stringify(listed)).not.toContain(created.key);
  });

  it('keys revoke, set-plan, suspend and resume tell every gateway (Redis pub/sub)', async () => {
    const tenant = (await admin('tenants', 'show', 'acme', '--json')).json();
    const key = (await admin('keys', 'create', '--tenant', 'acme', '--json')).json();
    published.length = 0;
    const revoked = (await admin('keys', 'revoke', key.id as string, '--json')).json();
    expect(revoked).toMatchObject({ id: key.id, revoked_at: expect.any(String) });
    expect((await admin('tenants', 'set-plan', 'acme', 'business', '--json')).json()).toMatchObject({ plan: 'business' });
    expect((await admin('tenants', 'suspend', 'acme', '--json')).json()).toMatchObject({ status: 'suspended' });
    expect((await admin('tenants', 'resume', 'acme', '--json')).json()).toMatchObject({ status: 'active' });
    await waitFor(() => published.length >= 4, 5_000, 'four invalidations');
    expect(published).toEqual([
      { kind: 'key', id: key.id },
      { kind: 'tenant', id: tenant.id },
      { kind: 'tenant', id: tenant.id },
      { kind: 'tenant', id: tenant.id },
    ]);
  });

  it('tenants set-limits sets and removes overrides, refuses bad ones, and tells every gateway', async () => {
    const tenant = (await admin('tenants', 'show', 'acme', '--json')).json();
    published.length = 0;
    const set = await admin('tenants', 'set-limits', 'acme', 'running_at_once=4', 'upload_bytes=5368709120', '--json');
    expect(set.code).toBe(0);
    expect(set.json().limit_overrides).toEqual({ running_at_once: 4, upload_bytes: 5_368_709_120 });
    const back = await admin('tenants', 'set-limits', 'acme', 'upload_bytes=plan', 'creates_per_minute=50', '--json');
    expect(back.json().limit_overrides).toEqual({ running_at_once: 4, creates_per_minute: 50 });
    expect((await admin('tenants', 'show', 'acme')).stdout).toContain('running_at_once=4');
    await waitFor(() => published.length >= 2, 5_000, 'two invalidations');
    expect(published).toEqual([
      { kind: 'tenant', id: tenant.id },
      { kind: 'tenant', id: tenant.id },
    ]);

    for (const [assignment, field] of [
      ['running_at_once=0', 'running_at_once'],
      ['running_at_once=two', 'running_at_once'],
      ['cpu_seconds=5', 'cpu_seconds'],
      ['running_at_once', 'limits'],
    ]) {
      const refused = await admin('tenants', 'set-limits', 'acme', assignment, '--json');
      expect([refused.code, (refused.json().error as { field: string }).field]).toEqual([1, field]);
    }
    expect((await admin('tenants', 'show', 'acme', '--json')).json().limit_overrides).toEqual({ running_at_once: 4, creates_per_minute: 50 });
  });

  it('saves a change with Redis unreachable and warns on stderr, stdout still one object', async () => {
    const down = await runWith({ ...env, REDIS_URL: 'redis://127.0.0.1:1/0' }, 'tenants', 'suspend', 'acme', '--json');
    expect(down.code).toBe(0);
    expect(JSON.parse(down.stdout)).toMatchObject({ status: 'suspended' });
    expect(down.stderr).toMatch(/gateways could not be told at once/);
  });

  async function runWith(environment: Record<string, string>, ...args: string[]) {
    const stdout = buffer();
    const stderr = buffer();
    const code = await runAdminCli(['node', 'admin', ...args], { stdout, stderr }, environment);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  }
});
