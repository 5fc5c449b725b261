import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { createGatewayHarness, GatewayHarness, TEST_METRICS_TOKEN } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';

describe('jobs API: list, health, metrics, OpenAPI', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('jobslist', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  const post = (payload: object) => app.inject({ method: 'POST', url: '/api/v1/jobs', payload });
  const get = (url: string) => app.inject({ method: 'GET', url });

  describe('GET /api/v1/jobs (list)', () => {
    let ids: string[];
    beforeAll(async () => {
      ids = [];
      for (const [task, plan] of [
        ['noop_job', 'free'],
        ['noop_job', 'pro'],
        ['sleep_job', 'pro'],
        ['noop_job', 'enterprise'],
      ] as const) {
        const response = await post({ task, params: task === 'sleep_job' ? { ms: 1 } : {}, plan });
        expect(response.statusCode).toBe(202);
        ids.push(response.json().id);
      }
    });

    it('pages newest first with total, limit and offset', async () => {
      const first = (await get('/api/v1/jobs?task=noop_job&limit=2')).json();
      expect(first).toMatchObject({ total: 3, limit: 2, offset: 0 });
      expect(first.items.map((j: { id: string }) => j.id)).toEqual([ids[3], ids[1]]);
      const second = (await get('/api/v1/jobs?task=noop_job&limit=2&offset=2')).json();
      expect(second.items.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
      expect(second.items[0]).toMatchObject({ task_name: 'noop_job', params: {}, max_attempts: 4 });
    });

    it('filters by plan, status and creation window', async () => {
      const pro = (await get('/api/v1/jobs?plan=pro&task=sleep_job')).json();
      expect(pro.items.map((j: { id: string }) => j.id)).toEqual([ids[2]]);
      expect((await get('/api/v1/jobs?status=running')).json().total).toBe(0);
      const created = (await get(`/api/v1/jobs/${ids[1]}`)).json().created_at;
      const after = (await get(`/api/v1/jobs?task=noop_job&created_after=${encodeURIComponent(created)}`)).json();
      expect(after.items.map((j: { id: string }) => j.id)).toEqual([ids[3]]);
      const before = (await get(`/api/v1/jobs?task=noop_job&created_before=${encodeURIComponent(created)}`)).json();
      expect(before.items.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    });

    it('uses limit 20 and offset 0 by default', async () => {
      expect((await get('/api/v1/jobs')).json()).toMatchObject({ limit: 20, offset: 0 });
    });

    it.each([
      'limit=0',
      'limit=101',
      'limit=abc',
      'limit=1.5',
      'limit=',
      'offset=-1',
      'offset=x',
      'status=done',
      'status=QUEUED',
      'plan=gold',
      'task=unknown_job',
      'created_after=yesterday',
      'created_before=2024-13-01T00:00:00Z',
      'created_after=2030-01-01T00:00:00Z&created_before=2020-01-01T00:00:00Z',
      'sort=asc',
      'status=queued&status=running',
    ])('rejects ?%s with 400', async (query) => {
      const body = expectProblem(await get(`/api/v1/jobs?${query}`), 400);
      expect(body.errors?.length).toBeGreaterThan(0);
    });
  });

  describe('health, metrics and docs', () => {
    it('reports live and ready when Postgres and Redis answer', async () => {
      expect((await get('/health/live')).json()).toEqual({ status: 'ok' });
      const ready = await get('/health/ready');
      expect(ready.statusCode).toBe(200);
      expect(ready.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' }, storage: { status: 'up' } } });
    });

    // Served at /docs by createGatewayApp; jest cannot load the UI's static-file plugin (an ESM
    // dependency), so the document itself is checked here and the UI by the serve smoke check.
    it('describes every endpoint in the OpenAPI document', () => {
      const doc = buildOpenApiDocument(app, harness.config);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/jobs',
          '/api/v1/jobs/{id}',
          '/api/v1/jobs/{id}/result',
          '/api/v1/jobs/{id}/result/content',
          '/api/v1/jobs/{id}/events',
          '/health/ready',
        ]),
      );
      expect(Object.keys(doc.paths['/api/v1/jobs/{id}'])).toEqual(expect.arrayContaining(['get', 'delete']));
      const schemas = doc.components?.schemas as Record<string, { properties: Record<string, { enum?: unknown[] }> }>;
      expect(schemas.CreateValidateCsvJobRequest.properties.plan.enum).toEqual(['free', 'pro', 'business', 'enterprise']);
      expect(Object.keys(schemas.Job.properties)).toEqual(expect.arrayContaining(['cancel_requested', 'max_attempts', 'expires_at']));
    });

    it('exposes Prometheus metrics for requests, created jobs and transitions', async () => {
      const { id } = (await post({ task: 'validate_csv_job', params: { input_uri: 'a.csv' }, plan: 'pro' })).json();
      expect((await app.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}` })).statusCode).toBe(200);
      expect((await get('/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000')).statusCode).toBe(404);
      const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      const series = (name: string, labels: string[]) =>
        response.body.split('\n').find((line) => line.startsWith(`${name}{`) && labels.every((l) => line.includes(l)));
      expect(series('jobs_created_total', ['task="validate_csv_job"', 'plan="pro"', 'service="gateway"'])).toMatch(/ \d+$/);
      expect(series('http_request_duration_seconds_count', ['method="POST"', 'route="/api/v1/jobs"', 'status_code="202"'])).toMatch(/ \d+$/);
      expect(series('http_request_duration_seconds_count', ['route="/api/v1/jobs/:id"', 'status_code="404"'])).toMatch(/ \d+$/);
      expect(series('job_transitions_total', ['to_status="cancelled"', 'actor="api"'])).toMatch(/ 1$/);
    });
  });
});
