import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createTestDatabase } from '@validahub/testing';
import { Reconciler } from '../reconciler/reconciler';
import { createGatewayHarness, GatewayHarness, scrapeMetrics, waitFor } from '../testing/gateway-harness';
import { TcpProxy } from '../testing/tcp-proxy';

const basic = { task: 'validate_csv_job', params: { input_uri: 'test.csv' }, plan: 'pro' };

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

describe('dependencies down: 503 problems, never a hang; the reconciler catches up', () => {
  let harness: GatewayHarness;
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    harness = await createGatewayHarness('resilience');
  });
  afterAll(async () => {
    await harness?.close();
    await Promise.all(proxies.map((p) => p.close()));
  });

  async function proxied(port: number): Promise<TcpProxy> {
    const proxy = await new TcpProxy(port).start();
    proxies.push(proxy);
    return proxy;
  }

  describe('Postgres down', () => {
    let proxy: TcpProxy;
    let app: NestFastifyApplication;

    beforeAll(async () => {
      proxy = await proxied(5432);
      const url = new URL(harness.db.url);
      url.port = String(proxy.port);
      app = await harness.start({ eventApplier: false }, { DATABASE_URL: url.toString() });
    });
    afterAll(() => harness.stop(app));

    it('answers 503 problems fast, keeps /health/live up, and recovers', async () => {
      const created = await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: basic });
      expect(created.statusCode).toBe(202);
      const id = created.json().id;
      await proxy.cut();

      const get = await timed(() => app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` }));
      expect(get.value.statusCode).toBe(503);
      expect(get.value.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(get.value.json()).toMatchObject({ status: 503, dependency: 'postgres', correlation_id: get.value.headers['x-correlation-id'] });
      expect(get.ms).toBeLessThan(5_000);

      const post = await timed(() => app.inject({ method: 'POST', url: '/api/v1/jobs', payload: basic }));
      expect(post.value.statusCode).toBe(503);
      expect(post.ms).toBeLessThan(5_000);

      const ready = await timed(() => app.inject({ method: 'GET', url: '/health/ready' }));
      expect(ready.value.statusCode).toBe(503);
      expect(ready.value.json()).toMatchObject({ status: 503, checks: { postgres: { status: 'down' }, redis: { status: 'up' } } });
      // It names the dependency, never its error text (hosts, ports, accounts).
      expect(ready.value.json().checks.postgres).toEqual({ status: 'down', reason: expect.stringMatching(/^(error|timeout)$/) });
      expect(ready.value.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|timeout exceeded|Connection terminated/);
      expect(ready.ms).toBeLessThan(3_000);
      expect((await app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);

      await proxy.restore();
      await waitFor(async () => (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).statusCode === 200, 10_000, 'recovered');
      expect((await app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    });
  });

  describe('Redis down', () => {
    let proxy: TcpProxy;
    let app: NestFastifyApplication;

    beforeAll(async () => {
      proxy = await proxied(6379);
      app = await harness.start({ eventApplier: false, reconcileMinAgeMs: 0 }, { REDIS_URL: `redis://127.0.0.1:${proxy.port}/0` });
    });
    afterAll(() => harness.stop(app));

    it('still accepts jobs (202, stored), answers 503 where Redis is needed, and the reconciler enqueues after recovery', async () => {
      await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: basic }); // warm the queue connection
      await proxy.cut();

      const created = await timed(() => app.inject({ method: 'POST', url: '/api/v1/jobs', payload: basic }));
      expect(created.value.statusCode).toBe(202);
      expect(created.ms).toBeLessThan(5_000);
      const id = created.value.json().id;
      expect((await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json().status).toBe('queued');
      expect(await harness.queues.queue('pro').getJob(id)).toBeUndefined();

      const cancel = await timed(() => app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` }));
      expect(cancel.value.statusCode).toBe(503);
      expect(cancel.value.json()).toMatchObject({ dependency: 'redis' });
      expect(cancel.ms).toBeLessThan(5_000);

      const ready = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json()).toMatchObject({ checks: { redis: { status: 'down' }, postgres: { status: 'up' } } });
      expect(ready.json().checks.redis).toEqual({ status: 'down', reason: expect.stringMatching(/^(error|timeout)$/) });
      expect(await scrapeMetrics(app)).toMatch(/job_enqueue_failures_total\{[^}]*plan="pro"[^}]*\} 1/);

      await proxy.restore();
      const reconciler = app.get(Reconciler);
      const report = await waitFor(
        async () => {
          const r = await reconciler.reconcileOnce().catch(() => undefined);
          return r && r.enqueued > 0 && r;
        },
        15_000,
        'reconciled',
      );
      expect(report.enqueued).toBe(1);
      const bull = await harness.queues.queue('pro').getJob(id);
      expect(bull?.data).toMatchObject({ jobId: id, plan: 'pro' });
      // Priority 5 -> 6, behind the tenant's own earlier unfinished jobs (fair share).
      const [{ fair_rank: rank }] = await app.get(DataSource).query(`SELECT fair_rank FROM jobs WHERE id = $1`, [id]);
      expect(bull?.opts.priority).toBe((rank - 1) * 10 + 6);
      // A second pass finds nothing to do.
      expect((await reconciler.reconcileOnce()).enqueued).toBe(0);
    });
  });

  describe('start-up', () => {
    it('refuses to start on a database with pending migrations when MIGRATIONS_RUN=false', async () => {
      const empty = await createTestDatabase('unmigrated');
      try {
        await expect(harness.start({ eventApplier: false }, { DATABASE_URL: empty.url, MIGRATIONS_RUN: 'false' })).rejects.toThrow(
          /pending migrations/,
        );
      } finally {
        await empty.drop();
      }
    });

    it('fails fast when Postgres is unreachable at start-up', async () => {
      const started = Date.now();
      await expect(harness.start({ eventApplier: false }, { DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/nowhere' })).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('expiry', () => {
    it('expires a queued job past its TTL and takes it off its queue', async () => {
      const app = await harness.start({ eventApplier: false, reconcileMinAgeMs: 0 }, { JOB_TTL_SECONDS: '1' });
      try {
        const { id } = (await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: { ...basic, plan: 'business' } })).json();
        expect(await harness.queues.queue('business').getJob(id)).toBeDefined();
        const report = await app.get(Reconciler).reconcileOnce(new Date(Date.now() + 1_500));
        expect(report.expired).toBeGreaterThanOrEqual(1);
        const job = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();
        expect(job).toMatchObject({ status: 'expired', finished_at: expect.any(String) });
        expect(await harness.queues.queue('business').getJob(id)).toBeUndefined();
        const trail = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/events` })).json().items;
        expect(trail.at(-1)).toMatchObject({ from_status: 'queued', to_status: 'expired', actor: 'reconciler' });
      } finally {
        await harness.stop(app);
      }
    });
  });
});
