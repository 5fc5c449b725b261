import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IDEMPOTENCY_OPTIONS, type ResolvedIdempotencyOptions } from '@validahub/idempotency';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { JobQueues } from '@validahub/jobs-queueing';
import { connectSql, watchEnqueues } from '../testing/idempotency-test-kit';
import { newTenant, TestTenant } from '../testing/tenant-kit';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { TcpProxy } from '../testing/tcp-proxy';

const PROBLEMS = 'https://validahub.dev/problems/';
const seedBody = { task: 'validate_csv_job', params: { input_uri: 'test.csv' }, idempotency_key: 'test-123' };
const body = (params: Record<string, unknown> = { input_uri: 'feed.csv' }, extra: Record<string, unknown> = {}) => ({
  task: 'validate_csv_job',
  params,
  ...extra,
});

type Answer = Awaited<ReturnType<NestFastifyApplication['inject']>>;

/** The seed's assertion, and more: the second answer is the first one replayed (status, body, Location). */
function expectReplayOf(first: Answer, second: Answer): void {
  expect(first.statusCode).toBe(202);
  expect(first.headers['idempotent-replayed']).toBeUndefined();
  expect(second.statusCode).toBe(202);
  expect(second.headers['idempotent-replayed']).toBe('true');
  expect(second.json().id).toBe(first.json().id);
  expect(second.json()).toEqual(first.json());
  expect(second.headers.location).toBe(`/api/v1/jobs/${first.json().id}`);
  expect(second.headers.location).toBe(first.headers.location);
}

describe('POST /api/v1/jobs idempotency (gateway, real Postgres and Redis)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let sql: Awaited<ReturnType<typeof connectSql>>;
  let keyCounter = 0;
  const newKey = (label: string) => `${label}-${++keyCounter}-${Date.now()}`;

  beforeAll(async () => {
    harness = await createGatewayHarness('jobsidem', { IDEMPOTENCY_TTL_SECONDS: '7200' });
    app = await harness.start({ eventApplier: false });
    sql = await connectSql(harness);
  });
  afterAll(async () => {
    await sql?.end();
    await harness?.close();
  });
  afterEach(() => jest.restoreAllMocks());

  const postTo = (target: NestFastifyApplication, payload: unknown, headers: Record<string, string> = {}) =>
    target.inject({ method: 'POST', url: '/api/v1/jobs', payload: payload as object, headers: { 'content-type': 'application/json', ...headers } });
  const post = (payload: unknown, headers: Record<string, string> = {}) => postTo(app, payload, headers);
  const jobsWithKey = async (key: string) =>
    sql.query<{ id: string; tenant_id: string }>('SELECT id, tenant_id FROM jobs WHERE idempotency_key = $1 ORDER BY created_at', [key]);
  const keyRows = async (key: string) =>
    sql.query<{ tenant_id: string; scope: string; state: string; expires_at: Date | null; completed_at: Date | null }>(
      'SELECT tenant_id, scope, state, expires_at, completed_at FROM idempotency_keys WHERE idempotency_key = $1',
      [key],
    );

  describe("the seed's Idempotency Test, as written", () => {
    it('returns the same job to the second POST (with Prefer: return=representation), replayed with the original 202', async () => {
      const enqueue = watchEnqueues(app.get(JobQueues));
      const first = await post(seedBody);
      const second = await post(seedBody, { prefer: 'return=representation' });

      expectReplayOf(first, second);

      expect(await jobsWithKey('test-123')).toEqual([{ id: first.json().id, tenant_id: ANONYMOUS_TENANT_ID }]);
      expect(enqueue.count()).toBe(1);
      const [row] = await keyRows('test-123');
      expect(row).toMatchObject({ tenant_id: ANONYMOUS_TENANT_ID, scope: 'POST /api/v1/jobs', state: 'completed' });
    });

    it("passes the same way with an API key (AUTH_MODE=required), scoped to the key's tenant", async () => {
      const keyed = await harness.start({ eventApplier: false }, { AUTH_MODE: 'required' });
      try {
        const tenant = await newTenant(keyed, { plan: 'pro' });
        const first = await postTo(keyed, seedBody, tenant.headers);
        const second = await postTo(keyed, seedBody, { ...tenant.headers, prefer: 'return=representation' });

        expectReplayOf(first, second);
        expect(first.json()).toMatchObject({ plan: 'pro', queue: 'queue-pro' });
        const rows = await sql.query<{ tenant_id: string; state: string }>(
          'SELECT tenant_id, state FROM idempotency_keys WHERE idempotency_key = $1 AND tenant_id = $2',
          ['test-123', tenant.id],
        );
        expect(rows).toEqual([{ tenant_id: tenant.id, state: 'completed' }]);
      } finally {
        await harness.stop(keyed);
      }
    });
  });

  describe('where the key comes from', () => {
    it('stores a key sent only in the Idempotency-Key header on the job, and replays it when it comes in the body', async () => {
      const key = newKey('header');
      const first = await post(body(), { 'idempotency-key': key });
      expect(first.statusCode).toBe(202);
      const stored = await app.inject({ method: 'GET', url: `/api/v1/jobs/${first.json().id}` });
      expect(stored.json().idempotency_key).toBe(key);

      const again = await post(body({ input_uri: 'feed.csv' }, { idempotency_key: key }));
      expect(again.statusCode).toBe(202);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.json().id).toBe(first.json().id);
    });

    it('accepts header and body carrying the same key', async () => {
      const key = newKey('both');
      const response = await post(body({ input_uri: 'feed.csv' }, { idempotency_key: key }), { 'idempotency-key': key });
      expect(response.statusCode).toBe(202);
      expect(await jobsWithKey(key)).toHaveLength(1);
    });

    it('refuses header and body keys that differ (400), creating nothing', async () => {
      const key = newKey('conflict');
      const response = await post(body({ input_uri: 'feed.csv' }, { idempotency_key: `${key}-body` }), { 'idempotency-key': key });
      const problem = expectProblem(response, 400);
      expect(problem.type).toBe(`${PROBLEMS}conflicting-idempotency-keys`);
      expect(await jobsWithKey(key)).toEqual([]);
      expect(await jobsWithKey(`${key}-body`)).toEqual([]);
      expect(await keyRows(key)).toEqual([]);
    });

    it.each([
      ['a header longer than 255 characters', {}, { 'idempotency-key': 'k'.repeat(256) }, 'Idempotency-Key'],
      ['a body key that is not a string', { idempotency_key: 42 }, {}, 'idempotency_key'],
      ['a body key with non-ASCII characters', { idempotency_key: 'chave-ç' }, {}, 'idempotency_key'],
      ['an empty body key', { idempotency_key: '' }, {}, 'idempotency_key'],
    ])('refuses %s with 400 invalid-idempotency-key', async (_label, extra, headers, field) => {
      const before = await sql.query<{ n: string }>('SELECT count(*) AS n FROM jobs');
      const problem = expectProblem(await post(body({ input_uri: 'feed.csv' }, extra), headers), 400);
      expect(problem.type).toBe(`${PROBLEMS}invalid-idempotency-key`);
      expect(problem.errors?.[0]?.field).toBe(field);
      expect(await sql.query('SELECT count(*) AS n FROM jobs')).toEqual(before);
    });
  });

  describe('same key, different request', () => {
    it('answers 422 idempotency-key-reused when the params differ, and keeps the first job only', async () => {
      const key = newKey('mismatch');
      const first = await post(body({ input_uri: 'a.csv' }), { 'idempotency-key': key });
      expect(first.statusCode).toBe(202);
      const problem = expectProblem(await post(body({ input_uri: 'b.csv' }), { 'idempotency-key': key }), 422);
      expect(problem.type).toBe(`${PROBLEMS}idempotency-key-reused`);
      expect(await jobsWithKey(key)).toEqual([{ id: first.json().id, tenant_id: ANONYMOUS_TENANT_ID }]);
    });

    it('treats an explicit default (plan "free") as a different request from an omitted plan', async () => {
      const key = newKey('defaults');
      expect((await post(body(), { 'idempotency-key': key })).statusCode).toBe(202);
      expectProblem(await post(body({ input_uri: 'feed.csv' }, { plan: 'free' }), { 'idempotency-key': key }), 422);
    });

    it('ignores key order in the body (same request)', async () => {
      const key = newKey('order');
      const first = await post({ params: { marketplace: 'amazon', input_uri: 'x.csv' }, task: 'validate_csv_job' }, { 'idempotency-key': key });
      const second = await post({ task: 'validate_csv_job', params: { input_uri: 'x.csv', marketplace: 'amazon' } }, { 'idempotency-key': key });
      expect(second.headers['idempotent-replayed']).toBe('true');
      expect(second.json().id).toBe(first.json().id);
    });
  });

  describe('what is not stored', () => {
    it('releases the key of a request refused by validation, so the corrected retry creates the job', async () => {
      const key = newKey('invalid');
      const refused = expectProblem(await post({ task: 'no_such_task', params: {} }, { 'idempotency-key': key }), 400);
      expect(refused.type).toBe(`${PROBLEMS}validation-error`);
      expect(await keyRows(key)).toEqual([]);

      const retried = await post(body(), { 'idempotency-key': key });
      expect(retried.statusCode).toBe(202);
      expect(retried.headers['idempotent-replayed']).toBeUndefined();
      expect(await jobsWithKey(key)).toHaveLength(1);
    });

    it('creates a new job for each request without a key', async () => {
      const first = await post(body({ input_uri: 'nokey.csv' }));
      const second = await post(body({ input_uri: 'nokey.csv' }));
      expect(first.statusCode).toBe(202);
      expect(second.statusCode).toBe(202);
      expect(second.json().id).not.toBe(first.json().id);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  describe('one commit for the job and its key', () => {
    beforeAll(async () => {
      // A deferred constraint trigger fails the COMMIT itself, after the job, its audit row and
      // the completed key were all written: the closest a test gets to a crash at that moment.
      await sql.query(`CREATE FUNCTION test_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.correlation_id = 'fail-at-commit' THEN RAISE EXCEPTION 'simulated failure at commit'; END IF;
          RETURN NULL;
        END $$`);
      await sql.query(`CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT ON jobs
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_at_commit()`);
    });

    it('leaves neither the job nor a completed key when the commit fails, and the retry with the key creates the job once', async () => {
      const key = newKey('commit');
      const enqueue = watchEnqueues(app.get(JobQueues));
      const failed = await post(body(), { 'idempotency-key': key, 'x-correlation-id': 'fail-at-commit' });
      expect(failed.statusCode).toBeGreaterThanOrEqual(500);
      expect(await jobsWithKey(key)).toEqual([]);
      expect(await keyRows(key)).toEqual([]);
      expect(enqueue.count()).toBe(0);

      const retried = await post(body(), { 'idempotency-key': key });
      expect(retried.statusCode).toBe(202);
      const replay = await post(body(), { 'idempotency-key': key });
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(await jobsWithKey(key)).toEqual([{ id: retried.json().id, tenant_id: ANONYMOUS_TENANT_ID }]);
      expect((await keyRows(key)).map((row) => row.state)).toEqual(['completed']);
      expect(enqueue.count()).toBe(1);
    });
  });

  describe('configuration', () => {
    it('keeps keys for IDEMPOTENCY_TTL_SECONDS and runs the purge loop every 10 minutes by default', async () => {
      const options = app.get<ResolvedIdempotencyOptions>(IDEMPOTENCY_OPTIONS);
      expect(options.retentionSeconds).toBe(7200);
      expect(options.purgeIntervalMs).toBe(600_000);
      expect(options.lockTimeoutMs).toBeLessThan(7200 * 1000);

      const key = newKey('ttl');
      await post(body(), { 'idempotency-key': key });
      const [row] = await keyRows(key);
      const keptMs = row.expires_at!.getTime() - row.completed_at!.getTime();
      expect(keptMs).toBeGreaterThanOrEqual(7200 * 1000 - 1000);
      expect(keptMs).toBeLessThanOrEqual(7200 * 1000 + 1000);
    });
  });

  describe('expiry and purge', () => {
    it('creates a new job for a key past its retention', async () => {
      const shortLived = await harness.start({
        eventApplier: false,
        idempotency: { retentionSeconds: 1, lockTimeoutSeconds: 0.5, purgeIntervalSeconds: 0 },
      });
      try {
        const key = newKey('expired');
        const first = await postTo(shortLived, body(), { 'idempotency-key': key });
        const replay = await postTo(shortLived, body(), { 'idempotency-key': key });
        expect(replay.headers['idempotent-replayed']).toBe('true');
        await new Promise((resolve) => setTimeout(resolve, 1_200));
        const afterExpiry = await postTo(shortLived, body(), { 'idempotency-key': key });
        expect(afterExpiry.statusCode).toBe(202);
        expect(afterExpiry.headers['idempotent-replayed']).toBeUndefined();
        expect(afterExpiry.json().id).not.toBe(first.json().id);
        expect((await jobsWithKey(key)).map((job) => job.id)).toEqual([first.json().id, afterExpiry.json().id]);
      } finally {
        await harness.stop(shortLived);
      }
    });

    it("purges expired keys with the module's own loop, and only expired ones", async () => {
      const purging = await harness.start({
        eventApplier: false,
        idempotency: { retentionSeconds: 1, lockTimeoutSeconds: 0.5, purgeIntervalSeconds: 0.2 },
      });
      try {
        const longKey = newKey('kept');
        await post(body(), { 'idempotency-key': longKey }); // the 2-hour app: not expired
        const key = newKey('purged');
        await postTo(purging, body(), { 'idempotency-key': key });
        expect(await keyRows(key)).toHaveLength(1);
        await waitFor(async () => (await keyRows(key)).length === 0, 5_000, 'expired key purged');
        expect(await keyRows(longKey)).toHaveLength(1);
        expect(await jobsWithKey(key)).toHaveLength(1); // purging a key never touches its job
      } finally {
        await harness.stop(purging);
      }
    });
  });

  describe('Postgres unreachable', () => {
    it('answers 503 with Retry-After within 5 s for a keyed create, and the same key works once Postgres is back', async () => {
      const proxy = await new TcpProxy(5432).start();
      const url = new URL(harness.db.url);
      url.port = String(proxy.port);
      const proxied = await harness.start({ eventApplier: false }, { DATABASE_URL: url.toString() });
      try {
        const key = newKey('pg-down');
        await proxy.cut();
        const started = Date.now();
        const response = await postTo(proxied, body(), { 'idempotency-key': key });
        expect(Date.now() - started).toBeLessThan(5_000);
        expect(expectProblem(response, 503).type).toBe(`${PROBLEMS}idempotency-store-unavailable`);
        expect(response.headers['retry-after']).toBe('5');

        await proxy.restore();
        const created = await waitFor(
          async () => {
            const answer = await postTo(proxied, body(), { 'idempotency-key': key });
            return answer.statusCode === 202 ? answer : undefined;
          },
          10_000,
          'create after Postgres is back',
        );
        expect(created.headers['idempotent-replayed']).toBeUndefined();
        expect(await jobsWithKey(key)).toEqual([{ id: created.json().id, tenant_id: ANONYMOUS_TENANT_ID }]);
      } finally {
        await harness.stop(proxied);
        await proxy.close();
      }
    });
  });

  describe('tenant scoping (real tenants and API keys)', () => {
    let keyed: NestFastifyApplication;
    let a: TestTenant;
    let b: TestTenant;
    beforeAll(async () => {
      keyed = await harness.start({ eventApplier: false }, { AUTH_MODE: 'required' });
      [a, b] = [await newTenant(keyed), await newTenant(keyed)];
    });
    afterAll(() => harness.stop(keyed));

    it('keeps the same key apart per tenant: one job each, each tenant replays its own', async () => {
      const key = newKey('tenant');
      const first = await postTo(keyed, body(), { 'idempotency-key': key, ...a.headers });
      const second = await postTo(keyed, body(), { 'idempotency-key': key, ...b.headers });
      const firstAgain = await postTo(keyed, body(), { 'idempotency-key': key, ...a.headers });
      const anonymous = await post(body(), { 'idempotency-key': key });

      expect([first.statusCode, second.statusCode, anonymous.statusCode]).toEqual([202, 202, 202]);
      expect(second.headers['idempotent-replayed']).toBeUndefined();
      expect(new Set([first.json().id, second.json().id, anonymous.json().id]).size).toBe(3);
      expect(firstAgain.headers['idempotent-replayed']).toBe('true');
      expect(firstAgain.json().id).toBe(first.json().id);

      const tenants = [ANONYMOUS_TENANT_ID, a.id, b.id].sort();
      expect((await jobsWithKey(key)).map((row) => row.tenant_id).sort()).toEqual(tenants);
      expect((await keyRows(key)).map((row) => row.tenant_id).sort()).toEqual(tenants);
      // The job and its key carry the same tenant: tenant b cannot even see tenant a's job.
      const crossRead = await keyed.inject({ method: 'GET', url: `/api/v1/jobs/${first.json().id}`, headers: b.headers });
      expect(crossRead.statusCode).toBe(404);
    });

    it("answers a different request under another tenant's key as new, not as a mismatch", async () => {
      const key = newKey('tenant-mismatch');
      await postTo(keyed, body({ input_uri: 'a.csv' }), { 'idempotency-key': key, ...a.headers });
      const other = await postTo(keyed, body({ input_uri: 'b.csv' }), { 'idempotency-key': key, ...b.headers });
      expect(other.statusCode).toBe(202);
    });
  });
});
