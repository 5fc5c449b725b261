import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { newTenant, TestTenant } from '../testing/tenant-kit';

interface ListPage {
  items: { id: string; created_at: string }[];
  total: number;
  total_is_lower_bound: boolean;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

const cursorOf = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** GET /api/v1/jobs over HTTP with API keys: cursor paging, the capped total, bad input, tenant isolation. */
describe('GET /api/v1/jobs: cursor paging, capped total, isolation (AUTH_MODE=required)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let a: TestTenant;
  let b: TestTenant;
  const aJobs: string[] = [];
  const bJobs: string[] = [];

  beforeAll(async () => {
    harness = await createGatewayHarness('jobslistpaging', { AUTH_MODE: 'required', ENABLE_TEST_TASKS: 'true' });
    app = await harness.start({ eventApplier: false });
    [a, b] = [await newTenant(app, { plan: 'pro' }), await newTenant(app, { plan: 'pro' })];
    for (const [tenant, ids] of [
      [a, aJobs],
      [b, bJobs],
    ] as const) {
      for (let i = 0; i < 7; i++) {
        const response = await app.inject({
          method: 'POST',
          url: '/api/v1/jobs',
          headers: { ...tenant.headers, 'x-correlation-id': `paging-${tenant.name}` },
          payload: { task: 'noop_job', params: {} },
        });
        expect(response.statusCode).toBe(202);
        ids.push(response.json().id);
      }
    }
  });
  afterAll(() => harness?.close());

  const list = (tenant: TestTenant, query: string) => app.inject({ method: 'GET', url: `/api/v1/jobs?${query}`, headers: tenant.headers });

  async function walk(tenant: TestTenant, query: string, limit: number): Promise<{ ids: string[]; pages: ListPage[] }> {
    const pages: ListPage[] = [];
    let cursor: string | null = null;
    do {
      const response = await list(tenant, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json() as ListPage;
      pages.push(page);
      cursor = page.next_cursor;
    } while (cursor && pages.length < 50);
    return { ids: pages.flatMap((page) => page.items.map((job) => job.id)), pages };
  }

  it('pages by next_cursor through every job once, newest first, with an exact total and the flag false', async () => {
    const { ids, pages } = await walk(a, 'task=noop_job', 3);
    expect(ids).toEqual([...aJobs].reverse());
    expect(pages.map((page) => page.items.length)).toEqual([3, 3, 1]);
    expect(pages.at(-1)?.next_cursor).toBeNull();
    for (const page of pages) expect(page).toMatchObject({ total: 7, total_is_lower_bound: false, limit: 3, offset: 0 });
  });

  it('keeps the cursor to the filter it is used with', async () => {
    const { ids } = await walk(a, `correlation_id=paging-${a.name}`, 2);
    expect(ids).toEqual([...aJobs].reverse());
    expect((await walk(a, 'status=running', 2)).ids).toEqual([]);
  });

  it('reports 10,000 and total_is_lower_bound past 10,000 matching jobs, pages still by cursor', async () => {
    const tenant = await newTenant(app, { plan: 'pro' });
    await app.get(DataSource).query(
      `INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id, created_at)
       SELECT gen_random_uuid(), $1, 'noop_job', 'succeeded', '{}', 5, 'pro', 'queue-pro', 4, 'bulk', '2025-01-01Z'::timestamptz + g * interval '1 ms'
       FROM generate_series(1, 10001) AS g`,
      [tenant.id],
    );
    const first = (await list(tenant, 'limit=100')).json() as ListPage;
    expect(first).toMatchObject({ total: 10_000, total_is_lower_bound: true });
    const second = (await list(tenant, `limit=100&cursor=${first.next_cursor}`)).json() as ListPage;
    expect(second.items).toHaveLength(100);
    expect(second.items[0].created_at < first.items[99].created_at).toBe(true);
    expect((await list(tenant, 'status=failed')).json()).toMatchObject({ total: 0, total_is_lower_bound: false, items: [] });
  });

  describe('isolation', () => {
    it("never lists another tenant's jobs, by filter or by a cursor taken from that tenant", async () => {
      const everything = (await walk(b, 'task=noop_job', 100)).ids;
      expect(everything).toEqual([...bJobs].reverse());
      // A cursor A was given (B's jobs are newer than it: none of either shows), and one naming A's job from far ahead.
      const aPage = (await list(a, 'limit=1')).json() as ListPage;
      expect((await list(b, `limit=100&cursor=${aPage.next_cursor}`)).json()).toMatchObject({ items: [], total: 7 });
      const ahead = (await list(b, `limit=100&cursor=${cursorOf(`2100-01-01T00:00:00.000Z|${aJobs[6]}`)}`)).json() as ListPage;
      expect(ahead.items.map((job) => job.id)).toEqual([...bJobs].reverse());
      expect((await list(b, `correlation_id=paging-${a.name}`)).json()).toMatchObject({ items: [], total: 0, total_is_lower_bound: false });
      const aKey = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${aJobs[0]}`, headers: a.headers })).json().correlation_id;
      expect((await list(b, `correlation_id=${aKey}`)).json().items).toEqual([]);
    });

    it('asks for a key', async () => {
      expectProblem(await app.inject({ method: 'GET', url: '/api/v1/jobs' }), 401);
    });
  });

  describe('bad cursors and filters: 400 problem+json naming the field', () => {
    it.each([
      ['garbage', 'cursor=garbage', 'cursor'],
      ['base64url of something else', `cursor=${cursorOf('hello|world')}`, 'cursor'],
      ['an id that is not a UUID', `cursor=${cursorOf('2026-01-01T00:00:00.000Z|123')}`, 'cursor'],
      ['a date that does not exist', `cursor=${cursorOf('2026-02-30T00:00:00.000Z|0b6f7c1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d')}`, 'cursor'],
      ['empty', 'cursor=', 'cursor'],
      ['too long', `cursor=${'a'.repeat(201)}`, 'cursor'],
      ['with an offset', `cursor=${cursorOf('2026-01-01T00:00:00.000Z|0b6f7c1e-2d3a-4f5b-8c9d-0e1f2a3b4c5d')}&offset=20`, 'cursor'],
      ['twice', 'cursor=a&cursor=b', 'cursor'],
      ['workflow_id not a UUID', 'workflow_id=42', 'workflow_id'],
      ['schedule_id not a UUID', 'schedule_id=abc', 'schedule_id'],
      ['template not a template name', 'template=Not%20A%20Name', 'template'],
      ['idempotency_key too long', `idempotency_key=${'k'.repeat(256)}`, 'idempotency_key'],
      ['correlation_id empty', 'correlation_id=', 'correlation_id'],
      ['limit over 100', 'limit=1000', 'limit'],
    ])('%s', async (_what, query, field) => {
      const body = expectProblem(await list(a, query), 400);
      expect(body.errors?.map((error) => error.field)).toContain(field);
    });
  });
});
