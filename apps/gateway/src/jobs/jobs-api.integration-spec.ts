import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { newTenant } from '../testing/tenant-kit';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const basic = { task: 'validate_csv_job', params: { input_uri: 'test.csv', marketplace: 'mercado_livre' }, plan: 'pro' };
/** The 202 body the Basic Test expects, in open mode and with a pro tenant's key alike. */
const BASIC_CREATED = {
  id: expect.stringMatching(UUID),
  task_name: 'validate_csv_job',
  status: 'queued',
  progress: 0,
  priority: 5,
  plan: 'pro',
  queue: 'queue-pro',
  correlation_id: expect.stringMatching(UUID),
  created_at: expect.stringMatching(ISO),
};

describe('jobs API (HTTP, real Postgres and Redis)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('jobsapi', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/jobs', payload: payload as object, headers: { 'content-type': 'application/json', ...headers } });
  const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

  describe("the seed's Basic Test", () => {
    it('creates a job (202) and reads its status (200)', async () => {
      const created = await post(basic);
      expect(created.statusCode).toBe(202);
      const job = created.json();
      expect(job).toEqual(BASIC_CREATED);
      expect(created.headers.location).toBe(`/api/v1/jobs/${job.id}`);
      expect(created.headers['x-correlation-id']).toBe(job.correlation_id);

      const status = await get(`/api/v1/jobs/${job.id}`);
      expect(status.statusCode).toBe(200);
      expect(status.json().status).toBe('queued');
    });

    it('passes the same way with an API key of a pro tenant (AUTH_MODE=required)', async () => {
      const keyed = await harness.start({ eventApplier: false }, { AUTH_MODE: 'required' });
      try {
        const tenant = await newTenant(keyed, { plan: 'pro' });
        const created = await keyed.inject({ method: 'POST', url: '/api/v1/jobs', payload: basic, headers: tenant.headers });
        expect(created.statusCode).toBe(202);
        const job = created.json();
        expect(job).toEqual(BASIC_CREATED);
        expect(created.headers.location).toBe(`/api/v1/jobs/${job.id}`);
        const status = await keyed.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}`, headers: tenant.headers });
        expect(status.statusCode).toBe(200);
        expect(status.json().status).toBe('queued');
        // Without the key the same requests are refused.
        expect((await keyed.inject({ method: 'POST', url: '/api/v1/jobs', payload: basic })).statusCode).toBe(401);
        expect((await keyed.inject({ method: 'GET', url: `/api/v1/jobs/${job.id}` })).statusCode).toBe(401);
      } finally {
        await harness.stop(keyed);
      }
    });
  });

  describe('POST /api/v1/jobs', () => {
    it('stores the full job with defaults, a correlation id and its first audit row, and enqueues it', async () => {
      const response = await post({ ...basic, plan: 'business', idempotency_key: 'upload-1' }, { 'x-correlation-id': 'request-123' });
      expect(response.headers['x-correlation-id']).toBe('request-123');
      const { id } = response.json();
      const job = (await get(`/api/v1/jobs/${id}`)).json();
      expect(job).toMatchObject({
        id,
        status: 'queued',
        priority: 7,
        plan: 'business',
        queue: 'queue-business',
        attempts: 0,
        max_attempts: 4,
        correlation_id: 'request-123',
        idempotency_key: 'upload-1',
        error: null,
        result_ref: null,
        summary: null,
        cancel_requested: false,
        started_at: null,
        finished_at: null,
        message: null,
        params: { input_uri: 'test.csv', marketplace: 'mercado_livre', ruleset: 'default', auto_fix: false },
      });
      const ttl = Date.parse(job.expires_at) - Date.parse(job.created_at);
      expect(ttl).toBeGreaterThan(86_399_000);
      expect(ttl).toBeLessThan(86_401_000);

      const bull = await harness.queues.queue('business').getJob(id);
      expect(bull?.data).toMatchObject({
        jobId: id,
        task: 'validate_csv_job',
        plan: 'business',
        correlationId: 'request-123',
        maxAttempts: 4,
        timeLimitSeconds: 300,
      });
      expect(bull?.opts.priority).toBe(4); // priority 7 -> BullMQ 11 - 7
    });

    it.each([
      ['free', undefined, 1, 10],
      ['enterprise', undefined, 10, 1],
      ['free', 9, 9, 2],
    ])('puts a %s job with priority %s on its plan queue with the mapped BullMQ priority', async (plan, priority, expected, bullPriority) => {
      const response = await post({ ...basic, plan, ...(priority ? { priority } : {}) });
      expect(response.statusCode).toBe(202);
      const { id } = response.json();
      expect(response.json()).toMatchObject({ priority: expected, plan, queue: `queue-${plan}` });
      const bull = await harness.queues.queue(plan as 'free').getJob(id);
      // Fair share: behind the tenant's own earlier unfinished jobs (open mode: all the anonymous tenant's).
      const [{ fair_rank: rank }] = await app.get(DataSource).query(`SELECT fair_rank FROM jobs WHERE id = $1`, [id]);
      expect(bull?.opts.priority).toBe((rank - 1) * 10 + bullPriority);
      expect(await bull?.getState()).toBe('prioritized');
    });

    it('defaults the plan to free', async () => {
      const response = await post({ task: 'validate_csv_job', params: { input_uri: 'a.csv' } });
      expect(response.json()).toMatchObject({ plan: 'free', priority: 1, queue: 'queue-free' });
    });

    it('rejects an unknown task, listing the known ones', async () => {
      const body = expectProblem(await post({ ...basic, task: 'mine_bitcoin' }), 400);
      expect(body.detail).toContain('validate_csv_job');
      expect(body.detail).toContain('correct_csv_job');
      expect(body.errors).toEqual([{ field: 'task', message: expect.stringContaining('generate_report_job') }]);
    });

    it('accepts sync_connector_job, and refuses a source this deployment may not reach, naming the field', async () => {
      const accepted = await post({ task: 'sync_connector_job', params: { source: { type: 'http', url: 'https://shop.example.com/feed.csv' } } });
      expect(accepted.statusCode).toBe(202);
      expect(accepted.json()).toMatchObject({ task_name: 'sync_connector_job', status: 'queued' });
      const refused = expectProblem(
        await post({ task: 'sync_connector_job', params: { source: { type: 'http', url: 'https://169.254.169.254/latest/' } } }),
        400,
      );
      expect(refused.errors).toEqual([{ field: 'params.source.url', message: expect.stringContaining('a link-local address') }]);
      const badShape = expectProblem(await post({ task: 'sync_connector_job', params: { source: { type: 'gopher' } } }), 400);
      expect(badShape.errors).toEqual([{ field: 'params.source.type', message: 'must be one of: http, s3' }]);
    });

    it('accepts generate_report_job, and refuses a missing, impossible or too long period, naming the field', async () => {
      const accepted = await post({ task: 'generate_report_job', params: { from: '2026-01-01', to: '2026-01-31', formats: ['json'] } });
      expect(accepted.statusCode).toBe(202);
      expect(expectProblem(await post({ task: 'generate_report_job', params: {} }), 400).errors?.map((e) => e.field)).toEqual([
        'params.from',
        'params.to',
      ]);
      const impossible = expectProblem(await post({ task: 'generate_report_job', params: { from: '2026-02-30', to: '2026-03-01' } }), 400);
      expect(impossible.errors).toEqual([{ field: 'params.from', message: 'must be a real date (YYYY-MM-DD)' }]);
      const long = expectProblem(await post({ task: 'generate_report_job', params: { from: '2025-01-01', to: '2026-01-02' } }), 400);
      expect(long.errors).toEqual([{ field: 'params.to', message: 'the period may cover at most 366 days (it covers 367)' }]);
      const formats = expectProblem(
        await post({ task: 'generate_report_job', params: { from: '2026-01-01', to: '2026-01-01', formats: ['pdf'] } }),
        400,
      );
      expect(formats.errors).toEqual([{ field: 'params.formats', message: 'must hold only: html, csv, json' }]);
    });

    it('rejects unknown, missing and mistyped params, naming each field', async () => {
      const body = expectProblem(await post({ ...basic, params: { input_uri: 'a.csv', colour: 'red', auto_fix: 'yes' } }), 400);
      expect(body.errors).toEqual(
        expect.arrayContaining([expect.objectContaining({ field: 'params.colour' }), expect.objectContaining({ field: 'params.auto_fix' })]),
      );
      const missing = expectProblem(await post({ ...basic, params: { marketplace: 'amazon' } }), 400);
      expect(missing.errors).toEqual([{ field: 'params.input_uri', message: 'is required' }]);
      const market = expectProblem(await post({ ...basic, params: { input_uri: 'a.csv', marketplace: 'ebay' } }), 400);
      expect(market.errors?.[0].field).toBe('params.marketplace');
    });

    it.each([
      ['../outside.csv', 'path_traversal'],
      ['/etc/passwd', 'outside_root'],
      ['file:///etc/passwd', 'outside_root'],
      ['s3://bucket/file.csv', 's3_not_configured'],
      ['ftp://host/file.csv', 'unsupported_scheme'],
    ])('refuses input_uri %s at create time (%s)', async (inputUri, reason) => {
      const body = expectProblem(await post({ ...basic, params: { input_uri: inputUri } }), 400);
      expect(body.detail).toContain(reason);
      expect(body.errors).toEqual([{ field: 'params.input_uri', message: expect.any(String) }]);
    });

    it('accepts a path inside the storage root that does not exist yet (the job fails later with input_not_found)', async () => {
      expect((await post({ ...basic, params: { input_uri: 'uploads/later.csv' } })).statusCode).toBe(202);
    });

    it('rejects unknown top-level keys', async () => {
      const body = expectProblem(await post({ ...basic, callback_url: 'http://x' }), 400);
      expect(body.errors).toEqual([{ field: 'callback_url', message: expect.stringContaining('should not exist') }]);
    });

    it.each([
      [{ priority: 0 }, 'priority'],
      [{ priority: 11 }, 'priority'],
      [{ priority: 5.5 }, 'priority'],
      [{ priority: '5' }, 'priority'],
      [{ plan: 'platinum' }, 'plan'],
      [{ plan: 'PRO' }, 'plan'],
      [{ task: 42 }, 'task'],
      [{ params: 'input_uri=a.csv' }, 'params'],
      [{ params: null }, 'params'],
      [{ idempotency_key: '' }, 'idempotency_key'],
      [{ idempotency_key: 'x'.repeat(256) }, 'idempotency_key'],
    ])('rejects %j with a 400 naming %s', async (patch, field) => {
      const body = expectProblem(await post({ ...basic, ...patch }), 400);
      expect(body.errors?.map((e) => e.field)).toContain(field);
    });

    it('rejects a body that is not an object or is missing', async () => {
      expectProblem(await post([basic]), 400);
      const empty = await app.inject({ method: 'POST', url: '/api/v1/jobs' });
      expect(expectProblem(empty, 400).errors?.map((e) => e.field)).toEqual(expect.arrayContaining(['task', 'params']));
    });

    it('answers malformed JSON with a 400 problem', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/api/v1/jobs',
        payload: '{"task": "validate_csv_job",',
        headers: { 'content-type': 'application/json' },
      });
      expect(expectProblem(response, 400).detail).toMatch(/JSON/);
    });

    it('answers a non-JSON content type with a 415 problem', async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/jobs',
          payload: 'task=validate_csv_job',
          headers: { 'content-type': type },
        });
        expect([type, response.statusCode]).toEqual([type, 415]);
        expectProblem(response, 415);
      }
    });

    it('answers a deeply nested body with a 400 problem instead of overflowing the validators', async () => {
      const deep = `{"task":"validate_csv_job","params":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`;
      const response = await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: deep, headers: { 'content-type': 'application/json' } });
      expect(expectProblem(response, 400).errors).toEqual([{ field: 'body', message: 'nests deeper than 32 levels' }]);
      const legal = { ...basic, params: { ...basic.params, input_uri: 'ok.csv' } };
      expect((await post(legal)).statusCode).toBe(202);
    });

    it('answers malformed and over-long URLs with problem+json', async () => {
      expectProblem(await get(`/api/v1/jobs/${'a'.repeat(5_000)}`), 414);
      expectProblem(await get('/api/v1/jobs/%E0%A4%A'), 400);
    });

    it('answers an oversized body with a 413 problem', async () => {
      const response = await post({ ...basic, params: { input_uri: 'x'.repeat(1_100_000) } });
      expectProblem(response, 413);
    });

    it('rejects a bad X-Correlation-Id with 400, echoing a generated one', async () => {
      for (const bad of ['x'.repeat(129), 'tab\there']) {
        const response = await post(basic, { 'x-correlation-id': bad });
        const body = expectProblem(response, 400);
        expect(body.errors?.[0].field).toBe('X-Correlation-Id');
        expect(response.headers['x-correlation-id']).toMatch(UUID);
      }
      expect((await post(basic, { 'x-correlation-id': 'y'.repeat(128) })).statusCode).toBe(202);
    });
  });

  describe('GET /api/v1/jobs/:id', () => {
    it('answers 400 for an id that is not a UUID and 404 for an unknown one', async () => {
      const bad = expectProblem(await get('/api/v1/jobs/not-a-uuid'), 400);
      expect(bad.errors).toEqual([{ field: 'id', message: 'must be a UUID' }]);
      expectProblem(await get('/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000'), 404);
    });

    it('echoes the correlation id on errors too, and on unknown routes', async () => {
      const response = await get('/api/v1/nothing-here', { 'x-correlation-id': 'trace-me' });
      expectProblem(response, 404);
      expect(response.headers['x-correlation-id']).toBe('trace-me');
    });
  });

  describe('GET /api/v1/jobs/:id/result and /events', () => {
    it('answers 409 with the status before the job succeeded', async () => {
      const { id } = (await post(basic)).json();
      const body = expectProblem(await get(`/api/v1/jobs/${id}/result`), 409);
      expect(body.job_status).toBe('queued');
      expect(body.detail).toMatch(/queued/);
      expect(body).toMatchObject({ type: expect.stringContaining('job-not-succeeded') });
      const content = expectProblem(await get(`/api/v1/jobs/${id}/result/content`), 409);
      expect(content.detail).toMatch(/queued/);
      expectProblem(await get('/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000/result'), 404);
      expectProblem(await get('/api/v1/jobs/zzz/result'), 400);
    });

    it('lists the audit trail, starting with the api accepting the job', async () => {
      const { id } = (await post(basic)).json();
      const response = await get(`/api/v1/jobs/${id}/events`);
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({
        items: [
          { at: expect.stringMatching(ISO), from_status: null, to_status: 'queued', progress: 0, message: 'accepted', attempt: 0, actor: 'api' },
        ],
      });
      expectProblem(await get('/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000/events'), 404);
    });
  });

  describe('DELETE /api/v1/jobs/:id', () => {
    it('cancels a queued job at once (200), removes it from its queue, then refuses a second cancel (409)', async () => {
      const { id } = (await post(basic)).json();
      expect(await harness.queues.queue('pro').getJob(id)).toBeDefined();
      const response = await app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ id, status: 'cancelled', finished_at: expect.stringMatching(ISO) });
      expect(await harness.queues.queue('pro').getJob(id)).toBeUndefined();
      const again = expectProblem(await app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` }), 409);
      expect(again.job_status).toBe('cancelled');
      expect(again.detail).toMatch(/cancelled/);
      const trail = (await get(`/api/v1/jobs/${id}/events`)).json().items;
      expect(trail.map((e: { to_status: string; actor: string }) => `${e.to_status}/${e.actor}`)).toEqual(['queued/api', 'cancelled/api']);
    });

    it('answers 400 and 404 for bad and unknown ids', async () => {
      expectProblem(await app.inject({ method: 'DELETE', url: '/api/v1/jobs/123' }), 400);
      expectProblem(await app.inject({ method: 'DELETE', url: '/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000' }), 404);
    });
  });
});
