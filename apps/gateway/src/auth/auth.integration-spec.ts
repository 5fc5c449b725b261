import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { generateApiKey, TenancyStore } from '@validahub/tenancy';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { connectSql } from '../testing/idempotency-test-kit';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { expectProblem, ProblemJson } from '../testing/http-expect';
import { bearer, newKey, newTenant, TestTenant } from '../testing/tenant-kit';

const PROBLEMS = 'https://validahub.dev/problems/';
const body = (extra: Record<string, unknown> = {}) => ({ task: 'validate_csv_job', params: { input_uri: 'uploads/feed.csv' }, ...extra });

/** Every row of the contract's 401/403 table, over HTTP, AUTH_MODE=required. */
describe('API keys: 401 and 403 (AUTH_MODE=required)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let pro: TestTenant;
  let operators: TestTenant;

  beforeAll(async () => {
    harness = await createGatewayHarness('auth', { AUTH_MODE: 'required' });
    app = await harness.start({ eventApplier: false });
    pro = await newTenant(app, { plan: 'pro' });
    operators = await newTenant(app, { plan: 'enterprise', key: { admin: true } });
  });
  afterAll(() => harness?.close());

  const request = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string> = {}, payload?: object) =>
    app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
  const listJobs = (headers: Record<string, string>) => request('GET', '/api/v1/jobs', headers);

  function unauthenticated(response: Awaited<ReturnType<typeof request>>): ProblemJson {
    const problem = expectProblem(response, 401);
    expect(problem.type).toBe(`${PROBLEMS}unauthenticated`);
    expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer realm="ValidaHub"/);
    return problem;
  }

  describe('401 unauthenticated', () => {
    it('with no key, on every tenant route', async () => {
      for (const [method, url] of [
        ['GET', '/api/v1/jobs'],
        ['POST', '/api/v1/jobs'],
        ['GET', '/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000'],
        ['DELETE', '/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000'],
        ['POST', '/api/v1/files'],
        ['GET', '/api/v1/admin/tenants'],
      ] as const) {
        const problem = unauthenticated(await request(method, url));
        expect(problem.detail).toMatch(/Authorization: Bearer/);
      }
    });

    it.each([
      ['a mistyped key (checksum)', (key: string) => bearer(key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a'))],
      ['a truncated key', (key: string) => bearer(key.slice(0, 20))],
      ['another scheme', (key: string) => ({ authorization: `Basic ${Buffer.from(`x:${key}`).toString('base64')}` })],
      ['an empty bearer', () => ({ authorization: 'Bearer ' })],
      ['a mistyped X-API-Key', (key: string) => ({ 'x-api-key': key.replace(/.$/, '0') })],
    ])('for %s, without reading the database', async (_what, headersFor) => {
      const lookups = jest.spyOn(app.get(TenancyStore), 'findKeyForAuthentication');
      const problem = unauthenticated(await listJobs(headersFor(pro.key)));
      expect(problem.detail).toMatch(/malformed|required/);
      expect(lookups).not.toHaveBeenCalled();
      lookups.mockRestore();
    });

    it('for an unknown key with a valid checksum, and for a right lookup id with a wrong secret', async () => {
      expect(unauthenticated(await listJobs(bearer(generateApiKey().key))).detail).toBe('The API key is not valid.');
      const forged = generateApiKey();
      const samePrefix = `vh_${pro.key.slice(3, 15)}${forged.key.slice(15)}`;
      unauthenticated(await listJobs(bearer(samePrefix)));
    });

    it('for a revoked key (revoked through the admin route)', async () => {
      const { key, keyId } = await newKey(app, pro.id);
      expect((await listJobs(bearer(key))).statusCode).toBe(200);
      expect((await request('DELETE', `/api/v1/admin/keys/${keyId}`, operators.headers)).statusCode).toBe(200);
      expect(unauthenticated(await listJobs(bearer(key))).detail).toBe('The API key has been revoked.');
    });

    it('for an expired key, also when it expires while cached', async () => {
      const { key, keyId } = await newKey(app, pro.id, { expiresIn: '2s' });
      expect((await listJobs(bearer(key))).statusCode).toBe(200);
      await waitFor(async () => (await listJobs(bearer(key))).statusCode === 401, 5_000, 'key expiry');
      expect(unauthenticated(await listJobs(bearer(key))).detail).toBe('The API key has expired.');
      const sql = await connectSql(harness);
      const stale = await newKey(app, pro.id);
      await sql.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [stale.keyId]);
      await sql.end();
      unauthenticated(await listJobs(bearer(stale.key)));
      expect(keyId).not.toBe(stale.keyId);
    });

    it('accepts the same key as Authorization: Bearer and as X-API-Key', async () => {
      expect((await listJobs(bearer(pro.key))).statusCode).toBe(200);
      expect((await listJobs({ 'x-api-key': pro.key })).statusCode).toBe(200);
    });
  });

  describe('403', () => {
    it('insufficient-scope names the scope the route needs', async () => {
      const readOnly = await newKey(app, pro.id, { scopes: ['jobs:read'] });
      expect((await listJobs(bearer(readOnly.key))).statusCode).toBe(200);
      const create = expectProblem(await request('POST', '/api/v1/jobs', bearer(readOnly.key), body()), 403);
      expect(create).toMatchObject({ type: `${PROBLEMS}insufficient-scope`, required_scope: 'jobs:write' });
      expect(create.detail).toContain('"jobs:write"');
      const cancel = expectProblem(await request('DELETE', '/api/v1/jobs/550e8400-e29b-41d4-a716-446655440000', bearer(readOnly.key)), 403);
      expect(cancel.required_scope).toBe('jobs:write');
      expect(expectProblem(await request('POST', '/api/v1/files', bearer(readOnly.key)), 403).required_scope).toBe('files:write');
      expect(expectProblem(await request('GET', '/api/v1/admin/tenants', pro.headers), 403).required_scope).toBe('admin');
    });

    it('an admin key manages tenants and sees no tenant jobs', async () => {
      expect((await request('GET', '/api/v1/admin/tenants', operators.headers)).statusCode).toBe(200);
      const problem = expectProblem(await listJobs(operators.headers), 403);
      expect(problem).toMatchObject({ type: `${PROBLEMS}insufficient-scope`, required_scope: 'jobs:read' });
      expect(expectProblem(await request('POST', '/api/v1/jobs', operators.headers, body()), 403).required_scope).toBe('jobs:write');
    });

    it('tenant-suspended from the next request after a suspend, and served again after resume', async () => {
      const tenant = await newTenant(app, { plan: 'free' });
      expect((await listJobs(tenant.headers)).statusCode).toBe(200);
      const suspended = await request('PATCH', `/api/v1/admin/tenants/${tenant.id}`, operators.headers, { status: 'suspended' });
      expect(suspended.json()).toMatchObject({ status: 'suspended' });
      const problem = expectProblem(await listJobs(tenant.headers), 403);
      expect(problem.type).toBe(`${PROBLEMS}tenant-suspended`);
      expect(expectProblem(await request('POST', '/api/v1/jobs', tenant.headers, body()), 403).type).toBe(`${PROBLEMS}tenant-suspended`);
      await request('PATCH', `/api/v1/admin/tenants/${tenant.name}`, operators.headers, { status: 'active' });
      expect((await listJobs(tenant.headers)).statusCode).toBe(200);
    });

    it.each([
      [{ plan: 'enterprise' }, 'plan-not-allowed', { tenant_plan: 'pro' }],
      [{ plan: 'free' }, 'plan-not-allowed', { tenant_plan: 'pro' }],
      [{ priority: 6 }, 'priority-not-allowed', { max_priority: 5 }],
      [{ plan: 'pro', priority: 10 }, 'priority-not-allowed', { max_priority: 5 }],
    ])('refuses a pro tenant %j: %s, creating nothing', async (extra, type, members) => {
      const before = (await listJobs(pro.headers)).json().total;
      const problem = expectProblem(await request('POST', '/api/v1/jobs', pro.headers, body(extra)), 403);
      expect(problem).toMatchObject({ type: `${PROBLEMS}${type}`, ...members });
      expect((await listJobs(pro.headers)).json().total).toBe(before);
    });

    it("runs on the tenant's plan, whose change holds from the next request", async () => {
      const tenant = await newTenant(app, { plan: 'pro' });
      const asPro = await request('POST', '/api/v1/jobs', tenant.headers, body({ priority: 5 }));
      expect(asPro.json()).toMatchObject({ plan: 'pro', queue: 'queue-pro', priority: 5 });
      await request('PATCH', `/api/v1/admin/tenants/${tenant.id}`, operators.headers, { plan: 'business' });
      const asBusiness = await request('POST', '/api/v1/jobs', tenant.headers, body({ priority: 7 }));
      expect(asBusiness.json()).toMatchObject({ plan: 'business', queue: 'queue-business', priority: 7 });
      expect(expectProblem(await request('POST', '/api/v1/jobs', tenant.headers, body({ plan: 'pro' })), 403).type).toBe(
        `${PROBLEMS}plan-not-allowed`,
      );
    });
  });

  describe('admin routes', () => {
    it('create a tenant and a key that works at once; list and show them; never show a key again', async () => {
      const created = await request('POST', '/api/v1/admin/tenants', operators.headers, { name: 'via-http', plan: 'business' });
      expect(created.statusCode).toBe(201);
      const tenant = created.json();
      expect(tenant).toMatchObject({ name: 'via-http', plan: 'business', status: 'active', allowed_buckets: [] });
      const keyAnswer = await request('POST', `/api/v1/admin/tenants/${tenant.id}/keys`, operators.headers, { expires_in: '30d' });
      expect(keyAnswer.statusCode).toBe(201);
      const { key, id, prefix } = keyAnswer.json();
      expect(key.startsWith(prefix)).toBe(true);
      expect((await listJobs(bearer(key))).statusCode).toBe(200);
      expect((await request('GET', `/api/v1/admin/tenants/${tenant.id}`, operators.headers)).json()).toEqual(tenant);
      const keys = await request('GET', `/api/v1/admin/tenants/${tenant.id}/keys`, operators.headers);
      expect(keys.json().items).toEqual([expect.objectContaining({ id, prefix, revoked_at: null })]);
      expect(keys.body).not.toContain(key);
      const listed = await request('GET', '/api/v1/admin/tenants', operators.headers);
      expect(listed.json().items.map((t: { name: string }) => t.name)).toContain('via-http');
    });

    it('answer bad input with 400 on the field, unknown ids with 404, a taken name with 409', async () => {
      const bad = expectProblem(await request('POST', '/api/v1/admin/tenants', operators.headers, { name: 'Bad Name' }), 400);
      expect(bad.errors?.[0]?.field).toBe('name');
      expect(
        expectProblem(await request('POST', '/api/v1/admin/tenants', operators.headers, { name: 'x', plan: 'gold' }), 400).errors?.[0]?.field,
      ).toBe('plan');
      expectProblem(await request('POST', '/api/v1/admin/tenants', operators.headers, { name: pro.name }), 409);
      expectProblem(await request('GET', '/api/v1/admin/tenants/00000000-0000-4000-8000-00000000dead', operators.headers), 404);
      expectProblem(await request('DELETE', '/api/v1/admin/keys/00000000-0000-4000-8000-00000000dead', operators.headers), 404);
      const scopes = expectProblem(await request('POST', `/api/v1/admin/tenants/${pro.id}/keys`, operators.headers, { scopes: ['everything'] }), 400);
      expect(scopes.errors?.[0]?.field).toBe('scopes');
      expectProblem(await request('PATCH', `/api/v1/admin/tenants/${pro.id}`, operators.headers, { status: 'paused' }), 400);
      for (const field of ['plan', 'status', 'allowed_buckets']) {
        const refused = expectProblem(await request('PATCH', `/api/v1/admin/tenants/${pro.id}`, operators.headers, { [field]: null }), 400);
        expect(refused.errors?.[0]?.field).toBe(field);
      }
    });
  });

  describe('public routes and the OpenAPI document', () => {
    it('serves /health/* without credentials', async () => {
      expect((await request('GET', '/health/live')).statusCode).toBe(200);
      expect((await request('GET', '/health/ready')).statusCode).toBe(200);
    });

    it('documents a bearer scheme, and 401/403, on every protected route and on no public one', () => {
      const doc = buildOpenApiDocument(app, harness.config);
      expect(doc.components?.securitySchemes?.['bearer']).toMatchObject({ type: 'http', scheme: 'bearer' });
      expect(doc.components?.securitySchemes?.['apiKey']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
      const operations = Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item as Record<string, { security?: unknown[]; responses: Record<string, unknown> }>).map(([method, op]) => ({
          path,
          method,
          op,
        })),
      );
      const protectedOps = operations.filter(({ path }) => path.startsWith('/api/v1/'));
      expect(protectedOps.length).toBeGreaterThanOrEqual(14);
      for (const { path, method, op } of protectedOps) {
        expect({ path, method, security: op.security }).toEqual({ path, method, security: [{ bearer: [] }, { apiKey: [] }] });
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
      for (const { op } of operations.filter(({ path }) => path.startsWith('/health/'))) expect(op.security ?? []).toEqual([]);
    });
  });
});

describe('AUTH_MODE=open', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('auth_open', { AUTH_MODE: 'open' });
    app = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  it("serves tenant routes as the anonymous tenant on the body's plan and priority, and still guards admin routes", async () => {
    const created = await app.inject({ method: 'POST', url: '/api/v1/jobs', payload: body({ plan: 'enterprise', priority: 10 }) });
    expect(created.json()).toMatchObject({ plan: 'enterprise', priority: 10 });
    expect(expectProblem(await app.inject({ method: 'GET', url: '/api/v1/admin/tenants' }), 401).type).toBe(`${PROBLEMS}unauthenticated`);
    const admin = await newTenant(app, { key: { admin: true } });
    expect((await app.inject({ method: 'GET', url: '/api/v1/admin/tenants', headers: admin.headers })).statusCode).toBe(200);
  });

  it('is refused at start-up with NODE_ENV=production', async () => {
    await expect(
      harness.start({}, { NODE_ENV: 'production', PAYLOAD_SIGNING_SECRET: 'p'.repeat(40), API_KEY_HMAC_SECRET: 'k'.repeat(40) }),
    ).rejects.toThrow(/AUTH_MODE cannot be "open" when NODE_ENV=production/);
  });
});
