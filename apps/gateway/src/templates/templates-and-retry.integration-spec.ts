import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';

jest.setTimeout(60_000);

/** Templates, POST /jobs/{id}/retry and the list's new filters and cursor, on a real gateway (no worker needed). */
describe('templates, retry and list filters', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('templates', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start();
  });

  afterAll(async () => harness?.close());

  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) =>
    app.inject({ method, url, payload: payload as object, headers });
  const sql = (query: string, params: unknown[]) => app.get(DataSource).query(query, params);

  it('versions a template immutably and creates jobs from name and name@n with overrides merged on top', async () => {
    const v1 = await inject('POST', '/api/v1/templates', { name: 'ml-fix', task: 'correct_csv_job', params: { marketplace: 'mercado_livre' } });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ name: 'ml-fix', version: 1, task: 'correct_csv_job', params: { marketplace: 'mercado_livre' } });
    const v2 = await inject('POST', '/api/v1/templates', { name: 'ml-fix', task: 'correct_csv_job', params: { marketplace: 'amazon' }, priority: 2 });
    expect(v2.json().version).toBe(2);
    expect((await inject('GET', '/api/v1/templates/ml-fix')).json().version).toBe(2);
    expect((await inject('GET', '/api/v1/templates/ml-fix/versions/1')).json().params).toEqual({ marketplace: 'mercado_livre' });

    const latest = await inject('POST', '/api/v1/jobs', { template: 'ml-fix', params: { input_uri: 'samples/sample.csv' }, plan: 'free' });
    expect(latest.statusCode).toBe(202);
    const job = (await inject('GET', `/api/v1/jobs/${latest.json().id}`)).json();
    expect(job).toMatchObject({ task_name: 'correct_csv_job', template: 'ml-fix', template_version: 2, priority: 2 });
    expect(job.params).toMatchObject({ input_uri: 'samples/sample.csv', marketplace: 'amazon' });

    const pinned = await inject('POST', '/api/v1/jobs', {
      template: 'ml-fix@1',
      params: { input_uri: 'samples/sample.csv', marketplace: 'shopee' },
      plan: 'free',
    });
    expect((await inject('GET', `/api/v1/jobs/${pinned.json().id}`)).json()).toMatchObject({
      template_version: 1,
      params: { marketplace: 'shopee' },
    });
    const list = (await inject('GET', '/api/v1/jobs?template=ml-fix')).json();
    expect(list.items).toHaveLength(2);
  });

  it('validates the merged params as a whole and refuses unknown templates, versions and bad bodies', async () => {
    await inject('POST', '/api/v1/templates', { name: 'partial', task: 'correct_csv_job', params: { marketplace: 'mercado_livre' } });
    const missing = expectProblem(await inject('POST', '/api/v1/jobs', { template: 'partial', params: {}, plan: 'free' }), 400);
    expect(missing.errors).toEqual([{ field: 'params.input_uri', message: 'is required' }]);
    expect(expectProblem(await inject('POST', '/api/v1/jobs', { template: 'nope', plan: 'free' }), 400).errors?.[0]).toMatchObject({
      field: 'template',
      message: 'no template "nope"',
    });
    expectProblem(await inject('POST', '/api/v1/jobs', { template: 'partial@9', params: { input_uri: 'x.csv' }, plan: 'free' }), 400);
    expectProblem(await inject('POST', '/api/v1/jobs', { template: 'Bad Name!', plan: 'free' }), 400);
    expectProblem(await inject('POST', '/api/v1/jobs', { template: 'partial', task: 'noop_job', params: {}, plan: 'free' }), 400);
    expectProblem(await inject('POST', '/api/v1/jobs', { plan: 'free' }), 400);
    // A template's own params must be valid (types, unknown keys); required ones may wait for the job.
    const badTemplate = expectProblem(
      await inject('POST', '/api/v1/templates', { name: 'bad', task: 'sleep_job', params: { ms: 'x', extra: 1 } }),
      400,
    );
    expect(badTemplate.errors?.map((e) => e.field).sort()).toEqual(['params.extra', 'params.ms']);
    expectProblem(await inject('POST', '/api/v1/templates', { name: 'bad', task: 'no_such_job', params: {} }), 400);
    expectProblem(await inject('POST', '/api/v1/templates', { name: '-bad', task: 'noop_job', params: {} }), 400);
    expectProblem(await inject('GET', '/api/v1/templates/partial/versions/abc'), 400);
    expectProblem(await inject('GET', '/api/v1/templates/partial/versions/7'), 404);
  });

  it('deletes every version; the name then continues its numbering', async () => {
    await inject('POST', '/api/v1/templates', { name: 'gone', task: 'noop_job', params: {} });
    expect((await inject('DELETE', '/api/v1/templates/gone')).statusCode).toBe(204);
    expectProblem(await inject('GET', '/api/v1/templates/gone'), 404);
    expectProblem(await inject('DELETE', '/api/v1/templates/gone'), 404);
    expect((await inject('POST', '/api/v1/templates', { name: 'gone', task: 'noop_job', params: {} })).json().version).toBe(2);
    expect((await inject('GET', '/api/v1/templates')).json().items.map((t: { name: string }) => t.name)).toContain('gone');
  });

  it('retries a failed, cancelled or expired job as a new job with retry_of; other statuses 409', async () => {
    const created = await inject('POST', '/api/v1/jobs', { task: 'sleep_job', params: { ms: 5 }, plan: 'free', priority: 3 });
    const id = created.json().id;
    const refused = expectProblem(await inject('POST', `/api/v1/jobs/${id}/retry`), 409);
    expect(refused).toMatchObject({ job_status: 'queued' });
    for (const status of ['failed', 'cancelled', 'expired']) {
      await sql(`UPDATE jobs SET status = $2, finished_at = now() WHERE id = $1`, [id, status]);
      const retried = await inject('POST', `/api/v1/jobs/${id}/retry`);
      expect(retried.statusCode).toBe(202);
      expect(retried.headers.location).toBe(`/api/v1/jobs/${retried.json().id}`);
      expect(retried.json()).toMatchObject({ task_name: 'sleep_job', params: { ms: 5 }, priority: 3, retry_of: id, status: 'queued' });
    }
    expectProblem(await inject('POST', `/api/v1/jobs/00000000-0000-4000-8000-000000000000/retry`), 404);
    expectProblem(await inject('POST', `/api/v1/jobs/not-a-uuid/retry`), 400);
  });

  it('filters by correlation id and idempotency key, and pages by cursor without overlap', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await inject('POST', '/api/v1/jobs', { task: 'noop_job', params: {}, plan: 'free' }, { 'x-correlation-id': 'batch-of-five' });
      ids.push(r.json().id);
    }
    await inject('POST', '/api/v1/jobs', { task: 'noop_job', params: {}, plan: 'free', idempotency_key: 'find-me' });
    expect(
      (await inject('GET', '/api/v1/jobs?idempotency_key=find-me')).json().items.map((j: { idempotency_key: string }) => j.idempotency_key),
    ).toEqual(['find-me']);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { total: number; items: { id: string }[]; next_cursor: string | null } = (
        await inject('GET', `/api/v1/jobs?correlation_id=batch-of-five&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json();
      expect(page.total).toBe(5);
      seen.push(...page.items.map((j) => j.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...ids].reverse());
    const bad = expectProblem(await inject('GET', '/api/v1/jobs?cursor=garbage'), 400);
    expect(bad.errors?.[0].field).toBe('cursor');
    expectProblem(await inject('GET', `/api/v1/jobs?cursor=${'a'.repeat(10)}&offset=2`), 400);
    expectProblem(await inject('GET', '/api/v1/jobs?workflow_id=nope'), 400);
    expectProblem(await inject('GET', '/api/v1/jobs?schedule_id=nope'), 400);
    expect((await inject('GET', '/api/v1/jobs?schedule_id=00000000-0000-4000-8000-000000000000')).json().items).toEqual([]);
  });
});
