import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TenancyStore, TenantAdmin } from '@validahub/tenancy';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { connectSql } from '../testing/idempotency-test-kit';
import { TcpProxy } from '../testing/tcp-proxy';
import { newKey, newTenant, TestTenant } from '../testing/tenant-kit';
import { InvalidationListener } from './invalidation-listener';

const CONTRACT_MS = 5_000;

/**
 * Two (and three) gateway replicas on one database and Redis: what an admin changes on one
 * holds on every other within the contract's 5 s, also while a replica cannot hear the
 * invalidations; and a key in steady use costs no database read.
 */
describe('revocation and tenant changes across gateway replicas', () => {
  let harness: GatewayHarness;
  let first: NestFastifyApplication;
  let second: NestFastifyApplication;
  let operators: TestTenant;

  beforeAll(async () => {
    harness = await createGatewayHarness('revocation', { AUTH_MODE: 'required' });
    first = await harness.start({ eventApplier: false });
    second = await harness.start({ eventApplier: false });
    operators = await newTenant(first, { plan: 'enterprise', key: { admin: true } });
    await waitFor(() => second.get(InvalidationListener).isLive(), 5_000, 'second replica subscribed');
  });
  afterAll(() => harness?.close());

  const list = (app: NestFastifyApplication, headers: Record<string, string>) => app.inject({ method: 'GET', url: '/api/v1/jobs', headers });

  /** Milliseconds from now until `app` answers `status` to the key, polling every 20 ms. */
  async function msUntil(app: NestFastifyApplication, headers: Record<string, string>, status: number): Promise<number> {
    const started = Date.now();
    await waitFor(async () => (await list(app, headers)).statusCode === status, CONTRACT_MS + 2_000, `status ${status}`);
    return Date.now() - started;
  }

  it('serves a key in steady use from the cache: no database read per request, last use recorded once', async () => {
    const tenant = await newTenant(first);
    const lookups = [
      jest.spyOn(first.get(TenancyStore), 'findKeyForAuthentication'),
      jest.spyOn(second.get(TenancyStore), 'findKeyForAuthentication'),
    ];
    for (const app of [first, second]) expect((await list(app, tenant.headers)).statusCode).toBe(200);
    const afterWarmUp = lookups.map((spy) => spy.mock.calls.length);
    for (let i = 0; i < 25; i++) for (const app of [first, second]) expect((await list(app, tenant.headers)).statusCode).toBe(200);
    expect(lookups.map((spy) => spy.mock.calls.length)).toEqual(afterWarmUp);
    lookups.forEach((spy) => spy.mockRestore());
    const sql = await connectSql(harness);
    const [row] = await sql.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_keys WHERE id = $1', [tenant.keyId]);
    await sql.end();
    expect(row.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses a key revoked on one replica on the other within 5 s', async () => {
    const tenant = await newTenant(first);
    for (const app of [first, second]) expect((await list(app, tenant.headers)).statusCode).toBe(200);
    const revoked = await first.inject({ method: 'DELETE', url: `/api/v1/admin/keys/${tenant.keyId}`, headers: operators.headers });
    expect(revoked.statusCode).toBe(200);
    expect((await list(first, tenant.headers)).statusCode).toBe(401);
    const elapsed = await msUntil(second, tenant.headers, 401);
    expect(elapsed).toBeLessThan(CONTRACT_MS);
  });

  it('applies a suspension and a plan change made through one replica on the other within 5 s', async () => {
    const tenant = await newTenant(second, { plan: 'free' });
    expect((await list(first, tenant.headers)).statusCode).toBe(200);
    await second.get(TenantAdmin).updateTenant(tenant.id, { status: 'suspended' });
    expect(await msUntil(first, tenant.headers, 403)).toBeLessThan(CONTRACT_MS);
    await second.get(TenantAdmin).updateTenant(tenant.id, { status: 'active', plan: 'enterprise' });
    expect(await msUntil(first, tenant.headers, 200)).toBeLessThan(CONTRACT_MS);
    const created = await first.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: tenant.headers,
      payload: { task: 'validate_csv_job', params: { input_uri: 'a.csv' } },
    });
    expect(created.json()).toMatchObject({ plan: 'enterprise', queue: 'queue-enterprise' });
  });

  describe.each([
    ['cut (the connection closes)', (proxy: TcpProxy) => proxy.cut()],
    ['stalled (a silent partition: the connection stays open)', (proxy: TcpProxy) => proxy.stall()],
  ])('a replica whose Redis link is %s', (_what, breakLink) => {
    let proxy: TcpProxy;
    let deaf: NestFastifyApplication;

    beforeEach(async () => {
      proxy = await new TcpProxy(Number(new URL(harness.config.connections.redisUrl).port || 6379)).start();
      deaf = await harness.start({ eventApplier: false }, { REDIS_URL: `redis://127.0.0.1:${proxy.port}/0` });
      await waitFor(() => deaf.get(InvalidationListener).isLive(), 5_000, 'replica subscribed');
    });
    afterEach(async () => {
      await harness.stop(deaf);
      await proxy.close();
    });

    it('still refuses a revoked key within 5 s (its cache stops trusting entries older than 4 s)', async () => {
      const tenant = await newTenant(first);
      const other = await newKey(first, tenant.id);
      expect((await list(deaf, tenant.headers)).statusCode).toBe(200);
      await breakLink(proxy);
      const revokedAt = Date.now();
      await first.get(TenantAdmin).revokeKey(tenant.keyId);
      await waitFor(async () => (await list(deaf, tenant.headers)).statusCode === 401, CONTRACT_MS + 2_000, 'revocation on the deaf replica');
      expect(Date.now() - revokedAt).toBeLessThan(CONTRACT_MS);
      // Keys that were not revoked keep working (read again from Postgres, which it still reaches).
      expect((await list(deaf, { authorization: `Bearer ${other.key}` })).statusCode).toBe(200);
      expect(deaf.get(InvalidationListener).isLive()).toBe(false);
    });
  });
});
