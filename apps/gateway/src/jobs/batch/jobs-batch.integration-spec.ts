import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from 'pg';
import { createGatewayHarness, GatewayHarness } from '../../testing/gateway-harness';
import { expectProblem } from '../../testing/http-expect';
import { newKey, newTenant, TestTenant } from '../../testing/tenant-kit';
import { MAX_BATCH_ITEMS } from './create-batch.dto';

const valid = (name: string) => ({ task: 'validate_csv_job', params: { input_uri: `uploads/${name}.csv`, marketplace: 'mercado_livre' } });

describe('POST /api/v1/jobs/batch (HTTP, real Postgres and Redis)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let tenant: TestTenant;
  let pg: Client;

  beforeAll(async () => {
    harness = await createGatewayHarness('jobsbatch', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start({ eventApplier: false }, { AUTH_MODE: 'required' });
    tenant = await newTenant(app, { plan: 'pro' });
    pg = new Client({ connectionString: harness.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg?.end();
    await harness?.close();
  });

  const postBatch = (payload: unknown, headers: Record<string, string> = tenant.headers) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/jobs/batch',
      payload: payload as object,
      headers: { 'content-type': 'application/json', ...headers },
    });
  const count = async (sql: string, params: unknown[]) => (await pg.query(`select count(*)::int as n from ${sql}`, params)).rows[0].n as number;

  it('answers every item on its own: valid ones created and queued, each bad one with the problem a single create gets', async () => {
    const items = [
      valid('a'),
      { task: 'no_such_task', params: {} },
      { ...valid('b'), priority: 4 },
      { task: 'validate_csv_job', params: { marketplace: 'mercado_livre' } },
      { ...valid('c'), plan: 'business' },
      { ...valid('d'), priority: 9 },
      { task: 'validate_csv_job', params: { input_uri: '../other/x.csv', marketplace: 'mercado_livre' } },
      'not an object',
      { ...valid('e'), idempotency_key: 'per-item' },
      { ...valid('f'), surprise: true },
    ];
    const response = await postBatch({ jobs: items }, { ...tenant.headers, 'x-correlation-id': 'batch-1' });
    expect(response.statusCode).toBe(200);
    const answer = response.json() as { items: { index: number; status: number; job?: { id: string }; problem?: Record<string, unknown> }[] };
    expect(answer.items.map((item) => [item.index, item.status])).toEqual([
      [0, 202],
      [1, 400],
      [2, 202],
      [3, 400],
      [4, 403],
      [5, 403],
      [6, 400],
      [7, 400],
      [8, 400],
      [9, 400],
    ]);
    expect(answer.items[0].job).toMatchObject({
      task_name: 'validate_csv_job',
      status: 'queued',
      plan: 'pro',
      priority: 5,
      correlation_id: 'batch-1',
    });
    expect(answer.items[2].job).toMatchObject({ priority: 4 });
    expect(answer.items[1].problem).toMatchObject({ status: 400, errors: [{ field: 'task' }], correlation_id: 'batch-1' });
    expect(answer.items[3].problem).toMatchObject({ errors: [expect.objectContaining({ field: 'params.input_uri' })] });
    expect(answer.items[4].problem).toMatchObject({ status: 403, type: expect.stringContaining('plan-not-allowed') });
    expect(answer.items[5].problem).toMatchObject({ status: 403, type: expect.stringContaining('priority-not-allowed') });
    expect(answer.items[6].problem).toMatchObject({ errors: [expect.objectContaining({ field: 'params.input_uri' })] });
    expect(answer.items[7].problem).toMatchObject({ errors: [{ field: 'item', message: expect.any(String) }] });
    expect(answer.items[8].problem).toMatchObject({ errors: [expect.objectContaining({ field: 'idempotency_key' })] });
    expect(answer.items[9].problem).toMatchObject({ errors: [expect.objectContaining({ field: 'surprise' })] });

    // The two valid items: stored for this tenant with their first audit row, and on the pro queue.
    const ids = [answer.items[0].job?.id, answer.items[2].job?.id] as string[];
    expect(await count(`jobs where id = any($1) and tenant_id = $2 and status = 'queued'`, [ids, tenant.id])).toBe(2);
    expect(await count(`job_events where job_id = any($1) and to_status = 'queued' and actor = 'api'`, [ids])).toBe(2);
    expect(await count(`jobs where tenant_id = $1`, [tenant.id])).toBe(2);
    for (const id of ids) expect((await harness.queues.queue('pro').getJob(id))?.data).toMatchObject({ jobId: id, tenantId: tenant.id });
    const shown = await app.inject({ method: 'GET', url: `/api/v1/jobs/${ids[0]}`, headers: tenant.headers });
    expect(shown.json()).toMatchObject({ params: { input_uri: 'uploads/a.csv' }, status: 'queued' });
  });

  it('creates nothing and answers 200 when every item is refused', async () => {
    const other = await newTenant(app, { plan: 'free' });
    const response = await postBatch({ jobs: [{ task: 'x', params: {} }, 42] }, other.headers);
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((item: { status: number }) => item.status)).toEqual([400, 400]);
    expect(await count('jobs where tenant_id = $1', [other.id])).toBe(0);
  });

  it.each([
    ['no jobs member', {}],
    ['an empty list', { jobs: [] }],
    ['more than the maximum', { jobs: Array.from({ length: MAX_BATCH_ITEMS + 1 }, () => valid('x')) }],
    ['jobs not a list', { jobs: { task: 'validate_csv_job' } }],
    ['an unknown member', { jobs: [valid('x')], extra: 1 }],
  ])('refuses the whole request (400) for %s, creating nothing', async (_, body) => {
    const other = await newTenant(app, { plan: 'pro' });
    const problem = expectProblem(await postBatch(body, other.headers), 400);
    expect(problem.errors?.length).toBeGreaterThan(0);
    expect(await count('jobs where tenant_id = $1', [other.id])).toBe(0);
  });

  it('needs a key with jobs:write', async () => {
    expectProblem(await postBatch({ jobs: [valid('a')] }, {}), 401);
    const readOnly = await newKey(app, tenant.id, { scopes: ['jobs:read'] });
    expectProblem(await postBatch({ jobs: [valid('a')] }, { authorization: `Bearer ${readOnly.key}` }), 403);
  });

  it('replays the whole batch for a repeated Idempotency-Key, and refuses the key for a different batch', async () => {
    const other = await newTenant(app, { plan: 'pro' });
    const headers = { ...other.headers, 'idempotency-key': 'nightly-catalogue-2026-12-02' };
    const body = { jobs: [valid('a'), valid('b'), { task: 'bad', params: {} }] };
    const first = await postBatch(body, headers);
    expect(first.statusCode).toBe(200);
    const again = await postBatch(body, headers);
    expect(again.statusCode).toBe(200);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await count('jobs where tenant_id = $1', [other.id])).toBe(2);
    // The batch's key is stored on each of its jobs.
    expect(await count('jobs where tenant_id = $1 and idempotency_key = $2', [other.id, 'nightly-catalogue-2026-12-02'])).toBe(2);
    expectProblem(await postBatch({ jobs: [valid('c')] }, headers), 422);
    expect(await count('jobs where tenant_id = $1', [other.id])).toBe(2);
  });

  it('takes the full 1,000 items in one request, in order', async () => {
    const other = await newTenant(app, { plan: 'business' });
    const jobs = Array.from({ length: MAX_BATCH_ITEMS }, (_, i) => valid(`feed-${i}`));
    const response = await postBatch({ jobs }, other.headers);
    expect(response.statusCode).toBe(200);
    const items = response.json().items as { index: number; status: number; job: { id: string } }[];
    expect(items.every((item, i) => item.index === i && item.status === 202)).toBe(true);
    expect(await count('jobs where tenant_id = $1', [other.id])).toBe(MAX_BATCH_ITEMS);
    const stored = await pg.query(`select id, params->>'input_uri' as uri from jobs where id = $1`, [items[999].job.id]);
    expect(stored.rows[0].uri).toBe('uploads/feed-999.csv');
    expect(await harness.queues.queue('business').getJobCountByTypes('waiting', 'prioritized')).toBeGreaterThanOrEqual(MAX_BATCH_ITEMS);
  });
});
