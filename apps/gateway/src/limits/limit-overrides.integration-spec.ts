import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { JobQueues } from '@validahub/jobs-queueing';
import { parseApiKey } from '@validahub/tenancy';
import { VerifiedKeyCache } from '../auth/verified-key-cache';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { multipartBody } from '../testing/storage-test-kit';
import { newTenant, TestTenant } from '../testing/tenant-kit';

const noop = { task: 'noop_job', params: {} };

/**
 * Per-tenant overrides of every limit, set through the admin route on one gateway and holding on
 * the other from the tenant's next request (no restart: the change is published to both).
 */
describe('limit overrides through the admin API (two gateways)', () => {
  let harness: GatewayHarness;
  let one: NestFastifyApplication;
  let two: NestFastifyApplication;
  let operators: TestTenant;

  beforeAll(async () => {
    harness = await createGatewayHarness('overrides', { AUTH_MODE: 'required', ENABLE_TEST_TASKS: 'true' });
    one = await harness.start({ eventApplier: false });
    two = await harness.start({ eventApplier: false });
    operators = await newTenant(one, { plan: 'enterprise', key: { admin: true } });
  });
  afterAll(() => harness?.close());

  const setLimits = (tenant: string, payload: unknown, app = one) =>
    app.inject({ method: 'PATCH', url: `/api/v1/admin/tenants/${tenant}/limits`, payload: payload as object, headers: operators.headers });
  /** The change reached `app` (pub/sub, asynchronous): it no longer holds the tenant's key as it was before. */
  const reached = (app: NestFastifyApplication, tenant: TestTenant) =>
    waitFor(() => app.get(VerifiedKeyCache).get(parseApiKey(tenant.key)!.lookupId, Infinity) === undefined, 5_000, 'the invalidation');
  const list = (tenant: TestTenant) => two.inject({ method: 'GET', url: '/api/v1/jobs', headers: tenant.headers });
  const create = (tenant: TestTenant) => two.inject({ method: 'POST', url: '/api/v1/jobs', payload: noop, headers: tenant.headers });

  it('overrides the request and create rates and the unfinished-jobs quota, on the other replica at once', async () => {
    const tenant = await newTenant(one, { plan: 'pro' });
    // Warm the other replica's key cache: the change must reach it, not merely miss it.
    expect((await list(tenant)).headers['ratelimit-policy']).toBe('"requests";q=3000;w=60');

    const changed = await setLimits(tenant.id, { requests_per_minute: 4, creates_per_minute: 2, unfinished_jobs: 1 });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ id: tenant.id, limit_overrides: { requests_per_minute: 4, creates_per_minute: 2, unfinished_jobs: 1 } });
    await reached(two, tenant);

    const first = await create(tenant);
    expect(first.statusCode).toBe(202);
    expect(first.headers['ratelimit-policy']).toBe('"requests";q=4;w=60, "creates";q=2;w=60');
    expect(expectProblem(await create(tenant), 429)).toMatchObject({ quota: 'unfinished_jobs', limit: 1 });
    // The window keeps counting across the change: the warm-up and the two creates used 3 of 4.
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await list(tenant)).statusCode);
    expect(statuses).toEqual([200, 429, 429]);
  });

  it('overrides the upload-bytes quota and the running limit the workers get; null goes back to the plan', async () => {
    const tenant = await newTenant(one, { plan: 'pro' });
    expect((await setLimits(tenant.name, { upload_bytes: 10, running_at_once: 4 })).statusCode).toBe(200);

    const body = multipartBody({ content: 'sku,title\nA-1,abcdefghijklmno\n' });
    const upload = await two.inject({ method: 'POST', url: '/api/v1/files', payload: body.payload, headers: { ...body.headers, ...tenant.headers } });
    expect(expectProblem(upload, 429)).toMatchObject({ quota: 'upload_bytes', limit: 10 });

    const created = await create(tenant);
    expect(created.statusCode).toBe(202);
    const queued = await two.get(JobQueues).queue('pro').getJob(created.json().id);
    expect(queued?.data.runningLimit).toBe(4);

    const reset = await setLimits(tenant.id, { running_at_once: null, upload_bytes: null }, two);
    expect(reset.json().limit_overrides).toEqual({});
    await reached(two, tenant);
    const again = await create(tenant);
    expect((await one.get(JobQueues).queue('pro').getJob(again.json().id))?.data.runningLimit).toBe(2);
  });

  it('keeps every one of several concurrent changes to different limits, from both replicas', async () => {
    const tenant = await newTenant(one, { plan: 'business' });
    const changes = [{ creates_per_minute: 11 }, { requests_per_minute: 12 }, { unfinished_jobs: 13 }, { running_at_once: 14 }, { upload_bytes: 15 }];
    const answers = await Promise.all(changes.map((change, i) => setLimits(tenant.id, change, i % 2 ? one : two)));
    expect(answers.map((answer) => answer.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const shown = await one.inject({ method: 'GET', url: `/api/v1/admin/tenants/${tenant.id}`, headers: operators.headers });
    expect(shown.json().limit_overrides).toEqual(Object.assign({}, ...changes));
  });

  it.each([
    ['zero', { running_at_once: 0 }, 'running_at_once'],
    ['a negative number', { unfinished_jobs: -5 }, 'unfinished_jobs'],
    ['a fraction', { creates_per_minute: 1.5 }, 'creates_per_minute'],
    ['a string', { upload_bytes: '10' }, 'upload_bytes'],
    ['an unknown limit', { cpu_seconds: 10 }, 'cpu_seconds'],
    ['nothing to change', {}, 'body'],
  ])('answers 400 problem+json for %s, changing nothing', async (_what, payload, field) => {
    const tenant = await newTenant(one, { plan: 'free' });
    const answer = await setLimits(tenant.id, payload);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = expectProblem(answer, 400);
    expect(JSON.stringify(problem)).toContain(field);
    expect(
      (await one.inject({ method: 'GET', url: `/api/v1/admin/tenants/${tenant.id}`, headers: operators.headers })).json().limit_overrides,
    ).toEqual({});
  });

  it('answers 404 for an unknown tenant and 403 for a key without the admin scope', async () => {
    expectProblem(await setLimits('no-such-tenant', { running_at_once: 3 }), 404);
    const tenant = await newTenant(one, { plan: 'pro' });
    const forbidden = await one.inject({
      method: 'PATCH',
      url: `/api/v1/admin/tenants/${tenant.id}/limits`,
      payload: { running_at_once: 50 },
      headers: tenant.headers,
    });
    expectProblem(forbidden, 403);
  });
});
