import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { bearer, newTenant } from '../testing/tenant-kit';

const create = { task: 'validate_csv_job', params: { input_uri: 'feed.csv', marketplace: 'mercado_livre' } };

/** Rate limits per tenant and plan, counted in Redis across two gateway replicas. */
describe('rate limits (two gateways sharing Redis)', () => {
  let harness: GatewayHarness;
  let one: NestFastifyApplication;
  let two: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('ratelimits', {
      AUTH_MODE: 'required',
      RATE_LIMIT_REQUESTS_PER_MINUTE_FREE: '12',
      RATE_LIMIT_CREATES_PER_MINUTE_FREE: '5',
      QUOTA_UNFINISHED_JOBS_FREE: '1000',
      RATE_LIMIT_UNAUTHENTICATED_PER_MINUTE: '6',
    });
    one = await harness.start({ eventApplier: false });
    two = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  const both = (i: number) => (i % 2 === 0 ? one : two);

  it('holds the requests limit over the sum of both replicas, with RateLimit headers on every answer and a 429 with Retry-After', async () => {
    const tenant = await newTenant(one, { plan: 'free' });
    const answers = [];
    for (let i = 0; i < 14; i++) answers.push(await both(i).inject({ method: 'GET', url: '/api/v1/jobs', headers: tenant.headers }));
    expect(answers.map((a) => a.statusCode)).toEqual([...Array(12).fill(200), 429, 429]);
    expect(answers[0].headers['ratelimit-policy']).toBe('"requests";q=12;w=60');
    expect(answers[0].headers['ratelimit']).toMatch(/^"requests";r=11;t=\d+$/);
    expect(answers[11].headers['ratelimit']).toMatch(/^"requests";r=0;t=\d+$/);
    const refused = expectProblem(answers[12], 429);
    expect(refused.type).toBe('https://validahub.dev/problems/rate-limited');
    expect(Number(answers[12].headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(answers[12].headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(answers[12].headers['ratelimit-policy']).toBe('"requests";q=12;w=60');

    // Another tenant of the same plan has its own window.
    const other = await newTenant(two, { plan: 'free' });
    expect((await one.inject({ method: 'GET', url: '/api/v1/jobs', headers: other.headers })).statusCode).toBe(200);
  });

  it('counts creates against their own lower limit, across replicas', async () => {
    const tenant = await newTenant(one, { plan: 'free' });
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await both(i).inject({ method: 'POST', url: '/api/v1/jobs', payload: create, headers: tenant.headers })).statusCode);
    }
    expect(statuses).toEqual([202, 202, 202, 202, 202, 429, 429]);
    const listed = await one.inject({ method: 'GET', url: '/api/v1/jobs', headers: tenant.headers });
    expect(listed.json().total).toBe(5);
    expect(listed.headers['ratelimit-policy']).toBe('"requests";q=12;w=60');
    const created = await two.inject({ method: 'POST', url: '/api/v1/jobs', payload: create, headers: tenant.headers });
    expect(created.headers['ratelimit-policy']).toBe('"requests";q=12;w=60, "creates";q=5;w=60');
  });

  it('refuses creates past the limit before they store anything, also when they arrive together; a bad body gets the 429 past the limit and the headers within it', async () => {
    // A create's draw is settled just before its insert (it overlaps the request's own checks).
    const tenant = await newTenant(one, { plan: 'free' });
    const answers = await Promise.all(
      Array.from({ length: 9 }, (_, i) => both(i).inject({ method: 'POST', url: '/api/v1/jobs', payload: create, headers: tenant.headers })),
    );
    const statuses = answers.map((a) => a.statusCode).sort();
    expect(statuses).toEqual([...Array(5).fill(202), ...Array(4).fill(429)]);
    expect((await one.inject({ method: 'GET', url: '/api/v1/jobs', headers: tenant.headers })).json().total).toBe(5);

    // Past the limit the answer is the 429 even when the body is invalid too.
    const postInvalid = (headers: Record<string, string>) =>
      one.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'validate_csv_job', params: {} }, headers });
    expectProblem(await postInvalid(tenant.headers), 429);

    const fresh = await newTenant(two, { plan: 'free' });
    const invalid = await postInvalid(fresh.headers);
    expectProblem(invalid, 400);
    expect(invalid.headers['ratelimit-policy']).toBe('"requests";q=12;w=60, "creates";q=5;w=60');
    expect(invalid.headers['ratelimit']).toMatch(/^"requests";r=11;t=\d+, "creates";r=4;t=\d+$/);
  });

  it('takes a per-tenant override over the plan', async () => {
    const tenant = await newTenant(one, { plan: 'free' });
    await one.get(DataSource).query(`UPDATE tenants SET limit_overrides = '{"requests_per_minute": 3}' WHERE id = $1`, [tenant.id]);
    const fresh = await harness.start({ eventApplier: false });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await fresh.inject({ method: 'GET', url: '/api/v1/jobs', headers: tenant.headers })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await harness.stop(fresh);
    }
  });

  it('limits requests with bad keys per client address, on both replicas together', async () => {
    const bad = bearer('vh_notakey');
    const statuses = [];
    for (let i = 0; i < 8; i++) {
      const answer = await both(i).inject({ method: 'GET', url: '/api/v1/jobs', headers: bad, remoteAddress: '203.0.113.9' });
      statuses.push(answer.statusCode);
      if (i === 0) expect(answer.headers['ratelimit-policy']).toBe('"unauthenticated";q=6;w=60');
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429, 429]);
    // Another address is not held back by the first one's guessing.
    expect((await one.inject({ method: 'GET', url: '/api/v1/jobs', headers: bad, remoteAddress: '203.0.113.10' })).statusCode).toBe(401);
    // A valid key from the guessing address still works: its tenant's limits apply, not the address's.
    const tenant = await newTenant(one, { plan: 'pro' });
    expect((await one.inject({ method: 'GET', url: '/api/v1/jobs', headers: tenant.headers, remoteAddress: '203.0.113.9' })).statusCode).toBe(200);
  });
});
