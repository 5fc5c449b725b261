import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { JobEvent } from '@validahub/jobs-domain';
import { freePort } from '@validahub/testing';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { CONFORMANCE_OWNERS, ownershipProblems } from '../testing/conformance-owners';
import { OpenApiConformance } from '../testing/openapi-conformance';
import { newTenant } from '../testing/tenant-kit';
import { multipartBody, s3Env } from '../testing/storage-test-kit';
import { TcpProxy } from '../testing/tcp-proxy';

type Injected = Awaited<ReturnType<NestFastifyApplication['inject']>>;

const OWNED: readonly string[] = CONFORMANCE_OWNERS['openapi-conformance.integration-spec.ts'];
// The key and limit answers, checked here for every route by one loop (the area specs leave them out).
const AUTH_AND_LIMIT_STATUSES = ['401', '403', '429'];
const MISSING_ID = '550e8400-e29b-41d4-a716-446655440000';
const create = { task: 'validate_csv_job', params: { input_uri: 'feed.csv', marketplace: 'mercado_livre' }, plan: 'pro' };

/** Every route and every status it answers, each real response validated against the document the gateway serves. */
describe('OpenAPI conformance: real responses against /docs-json', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let conformance: OpenApiConformance;

  const check = (operationId: string, response: Injected, status: number) => conformance.expectAnswer(operationId, response, status);
  const inject = (target: NestFastifyApplication, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, extra: object = {}) =>
    target.inject({ method, url, ...extra });
  const now = (offset = 0) => new Date(Date.now() + offset).toISOString();
  const publish = (event: JobEvent) => harness.publisher.publish(event);
  const status = async (id: string) => (await inject(app, 'GET', `/api/v1/jobs/${id}`)).json().status;
  const newJob = async (target = app, body: object = create) => (await inject(target, 'POST', '/api/v1/jobs', { payload: body })).json().id as string;

  beforeAll(async () => {
    harness = await createGatewayHarness('openapi', { MAX_UPLOAD_BYTES: '2048' });
    app = await harness.start();
    const served = await inject(app, 'GET', '/docs-json');
    expect(served.statusCode).toBe(200);
    conformance = new OpenApiConformance(served.json() as OpenAPIObject);
  });
  afterAll(() => harness?.close());

  it('serves an OpenAPI 3.1 document with an operation id and summary on every operation', () => {
    expect(conformance.document.openapi).toBe('3.1.0');
    const ids = new Set(conformance.documented().map((pair) => pair.split(' ')[0]));
    // Each operation is checked by exactly one conformance spec (this one owns OWNED).
    expect(ownershipProblems(ids)).toEqual([]);
    const operations = Object.values(conformance.document.paths).flatMap((item) =>
      Object.values(item as Record<string, { summary?: string; description?: string }>),
    );
    expect(operations.filter((op) => !op.summary || !op.description)).toEqual([]);
  });

  it('creates, reads, lists and cancels (2xx) and refuses bad input (4xx)', async () => {
    const created = check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload: create }), 202).json();
    check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload: { ...create, task: 'nope' } }), 400);
    check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload: 'a=b', headers: { 'content-type': 'text/plain' } }), 415);
    const huge = JSON.stringify({ ...create, params: { input_uri: 'x'.repeat(2 * 1024 * 1024) } });
    check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload: huge, headers: { 'content-type': 'application/json' } }), 413);
    const keyed = { ...create, idempotency_key: `conf-${Date.now()}` };
    check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload: keyed }), 202);
    check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload: { ...keyed, priority: 9 } }), 422);

    check('getJob', await inject(app, 'GET', `/api/v1/jobs/${created.id}`), 200);
    check('getJob', await inject(app, 'GET', '/api/v1/jobs/not-a-uuid'), 400);
    check('getJob', await inject(app, 'GET', `/api/v1/jobs/${MISSING_ID}`), 404);
    check('listJobs', await inject(app, 'GET', '/api/v1/jobs?limit=2'), 200);
    check('listJobs', await inject(app, 'GET', '/api/v1/jobs?limit=0'), 400);
    check('getJobEvents', await inject(app, 'GET', `/api/v1/jobs/${created.id}/events`), 200);
    check('getJobEvents', await inject(app, 'GET', '/api/v1/jobs/x/events'), 400);
    check('getJobEvents', await inject(app, 'GET', `/api/v1/jobs/${MISSING_ID}/events`), 404);

    check('getJobResult', await inject(app, 'GET', `/api/v1/jobs/${created.id}/result`), 409);
    check('getJobResult', await inject(app, 'GET', '/api/v1/jobs/x/result'), 400);
    check('getJobResult', await inject(app, 'GET', `/api/v1/jobs/${MISSING_ID}/result`), 404);
    check('getJobResultContent', await inject(app, 'GET', `/api/v1/jobs/${created.id}/result/content`), 409);
    check('getJobResultContent', await inject(app, 'GET', `/api/v1/jobs/${created.id}/result/content?part=everything`), 400);
    check('getJobResultContent', await inject(app, 'GET', `/api/v1/jobs/${MISSING_ID}/result/content`), 404);

    check('cancelJob', await inject(app, 'DELETE', `/api/v1/jobs/${created.id}`), 200);
    check('cancelJob', await inject(app, 'DELETE', `/api/v1/jobs/${created.id}`), 409);
    check('cancelJob', await inject(app, 'DELETE', '/api/v1/jobs/x'), 400);
    check('cancelJob', await inject(app, 'DELETE', `/api/v1/jobs/${MISSING_ID}`), 404);
    const running = await newJob();
    await publish({ type: 'started', jobId: running, attempt: 1, at: now() });
    await waitFor(async () => (await status(running)) === 'running', 10_000, 'job running');
    check('cancelJob', await inject(app, 'DELETE', `/api/v1/jobs/${running}`), 202);
  });

  it('creates a batch (200, per-item outcomes) and refuses bad batches (4xx)', async () => {
    const batch = (payload: unknown, headers: Record<string, string> = {}) =>
      inject(app, 'POST', '/api/v1/jobs/batch', { payload: payload as object, headers: { 'content-type': 'application/json', ...headers } });
    const answer = check('createJobsBatch', await batch({ jobs: [create, { ...create, task: 'nope' }] }), 200).json();
    expect(answer.items.map((item: { status: number }) => item.status)).toEqual([202, 400]);
    check('createJobsBatch', await batch({ jobs: [] }), 400);
    check('createJobsBatch', await inject(app, 'POST', '/api/v1/jobs/batch', { payload: 'a=b', headers: { 'content-type': 'text/plain' } }), 415);
    check('createJobsBatch', await batch(JSON.stringify({ jobs: [{ ...create, params: { input_uri: 'x'.repeat(2 * 1024 * 1024) } }] })), 413);
    const key = { 'idempotency-key': `conf-batch-${Date.now()}` };
    check('createJobsBatch', await batch({ jobs: [create] }, key), 200);
    check('createJobsBatch', await batch({ jobs: [create, create] }, key), 422);
  });

  it('serves a succeeded job’s result record and artefacts', async () => {
    const id = await newJob();
    const report = join('results', `${id}.json`);
    await mkdir(join(harness.storageRoot, 'results'), { recursive: true });
    await writeFile(join(harness.storageRoot, report), JSON.stringify({ summary: { rows_total: 1 }, issues: [] }));
    await publish({ type: 'started', jobId: id, attempt: 1, at: now() });
    const summary = {
      rows_total: 1,
      rows_valid: 1,
      rows_invalid: 0,
      errors: 0,
      warnings: 0,
      fixes_applied: 0,
      report_ref: report,
      corrected_ref: null,
    };
    await publish({ type: 'succeeded', jobId: id, attempt: 1, at: now(), startedAt: now(-10), resultRef: report, summary });
    await waitFor(async () => (await status(id)) === 'succeeded', 10_000, 'job succeeded');
    check('getJobResult', await inject(app, 'GET', `/api/v1/jobs/${id}/result`), 200);
    check('getJobResultContent', await inject(app, 'GET', `/api/v1/jobs/${id}/result/content`), 200);
    check('getJobResultContent', await inject(app, 'GET', `/api/v1/jobs/${id}/result/content?part=corrected`), 404);
    check('getJobResult', await inject(app, 'GET', `/api/v1/jobs/${id}/result`, { headers: { 'x-correlation-id': 'é' } }), 400);
    // After the retention purge removed it (as the purge marks it).
    await app.get(DataSource).query(`UPDATE jobs SET result_expired_at = now() WHERE id = $1`, [id]);
    check('getJobResultContent', await inject(app, 'GET', `/api/v1/jobs/${id}/result/content`), 410);

    const presigning = await harness.start({ eventApplier: false }, { ...s3Env('vh-openapi-presign'), RESULTS_PRESIGN: 'true' });
    const remote = await newJob(presigning);
    const s3Summary = { ...summary, report_ref: `s3://vh-openapi-presign/${remote}.json` };
    await publish({ type: 'started', jobId: remote, attempt: 1, at: now() });
    await publish({
      type: 'succeeded',
      jobId: remote,
      attempt: 1,
      at: now(),
      startedAt: now(-10),
      resultRef: s3Summary.report_ref,
      summary: s3Summary,
    });
    await waitFor(async () => (await status(remote)) === 'succeeded', 10_000, 'remote job succeeded');
    check('getJobResultContent', await inject(presigning, 'GET', `/api/v1/jobs/${remote}/result/content`), 302);
    await harness.stop(presigning);
  });

  it('uploads a CSV (201) and refuses bad uploads (400, 413, 415)', async () => {
    const upload = (file: Parameters<typeof multipartBody>[0]) => {
      const body = multipartBody(file);
      return inject(app, 'POST', '/api/v1/files', { payload: body.payload, headers: body.headers });
    };
    check('uploadFile', await upload({ content: 'sku,title\nA-1,Phone\n' }), 201);
    check('uploadFile', await upload(null), 400);
    check('uploadFile', await upload({ content: 'x'.repeat(4096) }), 413);
    check('uploadFile', await upload({ content: 'GIF89a', contentType: 'image/gif', fileName: 'a.gif' }), 415);
  });

  it('answers health probes', async () => {
    check('getLiveness', await inject(app, 'GET', '/health/live'), 200);
    check('getLiveness', await inject(app, 'GET', '/health/live', { headers: { 'x-correlation-id': 'x'.repeat(200) } }), 400);
    check('getReadiness', await inject(app, 'GET', '/health/ready'), 200);
    check('getReadiness', await inject(app, 'GET', '/health/ready', { headers: { 'x-correlation-id': 'x'.repeat(200) } }), 400);
  });

  it('answers 409 to an idempotent create still in flight', async () => {
    // Statistics views are snapshotted per transaction: the lock holder cannot watch the waiter itself.
    const [blocker, observer] = [new Client({ connectionString: harness.db.url }), new Client({ connectionString: harness.db.url })];
    await Promise.all([blocker.connect(), observer.connect()]);
    try {
      const payload = { ...create, idempotency_key: `inflight-${Date.now()}` };
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE');
      const first = Promise.resolve(inject(app, 'POST', '/api/v1/jobs', { payload })); // then() sends it now
      const waiting = async () =>
        Number(
          (
            await observer.query(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO%jobs%'",
            )
          ).rows[0].n,
        );
      await waitFor(async () => (await waiting()) === 1, 5_000, 'first create waiting on the lock');
      check('createJob', await inject(app, 'POST', '/api/v1/jobs', { payload }), 409);
      await blocker.query('COMMIT');
      check('createJob', await first, 202);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([blocker.end(), observer.end()]);
    }
  });

  it('answers 409 to an idempotent batch still in flight', async () => {
    const [blocker, observer] = [new Client({ connectionString: harness.db.url }), new Client({ connectionString: harness.db.url })];
    await Promise.all([blocker.connect(), observer.connect()]);
    try {
      const send = () => inject(app, 'POST', '/api/v1/jobs/batch', { payload: { jobs: [create] }, headers: { 'idempotency-key': 'inflight-batch' } });
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE jobs IN SHARE ROW EXCLUSIVE MODE');
      const first = Promise.resolve(send());
      const waiting = async () =>
        Number(
          (
            await observer.query(
              "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO%jobs%'",
            )
          ).rows[0].n,
        );
      await waitFor(async () => (await waiting()) === 1, 5_000, 'first batch waiting on the lock');
      check('createJobsBatch', await send(), 409);
      await blocker.query('COMMIT');
      check('createJobsBatch', await first, 200);
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await Promise.all([blocker.end(), observer.end()]);
    }
  });

  it('answers 503 on every route while a dependency is down', async () => {
    const proxy = await new TcpProxy(5432).start();
    const url = new URL(harness.db.url);
    url.port = String(proxy.port);
    const cut = await harness.start({ eventApplier: false }, { DATABASE_URL: url.toString() });
    const closedPort = await freePort();
    const noStorage = await harness.start(
      { eventApplier: false },
      { ...s3Env('vh-openapi-down', `http://127.0.0.1:${closedPort}`), S3_MAX_ATTEMPTS: '1', RESULTS_URI: 's3://vh-openapi-down/' },
    );
    try {
      const id = await newJob(cut);
      await proxy.cut();
      check('createJob', await inject(cut, 'POST', '/api/v1/jobs', { payload: create }), 503);
      check('createJobsBatch', await inject(cut, 'POST', '/api/v1/jobs/batch', { payload: { jobs: [create] } }), 503);
      check('listJobs', await inject(cut, 'GET', '/api/v1/jobs'), 503);
      check('getJob', await inject(cut, 'GET', `/api/v1/jobs/${id}`), 503);
      check('getJobEvents', await inject(cut, 'GET', `/api/v1/jobs/${id}/events`), 503);
      check('getJobResult', await inject(cut, 'GET', `/api/v1/jobs/${id}/result`), 503);
      check('getJobResultContent', await inject(cut, 'GET', `/api/v1/jobs/${id}/result/content`), 503);
      check('cancelJob', await inject(cut, 'DELETE', `/api/v1/jobs/${id}`), 503);
      check('getReadiness', await inject(cut, 'GET', '/health/ready'), 503);
      const body = multipartBody({ content: 'sku\nA-1\n' });
      check('uploadFile', await inject(noStorage, 'POST', '/api/v1/files', { payload: body.payload, headers: body.headers }), 503);
    } finally {
      await harness.stop(cut);
      await harness.stop(noStorage);
      await proxy.close();
    }
  });

  it('administers tenants and keys with an admin key (2xx) and refuses bad input and unknown ids (4xx)', async () => {
    const operators = await newTenant(app, { plan: 'enterprise', key: { admin: true } });
    const admin = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, payload?: object) =>
      inject(app, method, `/api/v1/admin/${path}`, { headers: operators.headers, ...(payload ? { payload } : {}) });
    const name = `conf-${Date.now()}`;
    const tenant = check('createTenant', await admin('POST', 'tenants', { name, plan: 'free' }), 201).json();
    check('createTenant', await admin('POST', 'tenants', { name: '', plan: 'gold' }), 400);
    check('createTenant', await admin('POST', 'tenants', { name, plan: 'free' }), 409);
    check('listTenants', await admin('GET', 'tenants'), 200);
    check('getTenant', await admin('GET', `tenants/${tenant.id}`), 200);
    check('getTenant', await admin('GET', `tenants/${MISSING_ID}`), 404);
    check('updateTenant', await admin('PATCH', `tenants/${tenant.id}`, { plan: 'pro' }), 200);
    check('updateTenant', await admin('PATCH', `tenants/${tenant.id}`, { status: 'gone' }), 400);
    check('updateTenant', await admin('PATCH', `tenants/${MISSING_ID}`, { plan: 'pro' }), 404);
    check('updateTenantLimits', await admin('PATCH', `tenants/${tenant.id}/limits`, { running_at_once: 3, upload_bytes: null }), 200);
    check('updateTenantLimits', await admin('PATCH', `tenants/${tenant.id}/limits`, { running_at_once: 0 }), 400);
    check('updateTenantLimits', await admin('PATCH', `tenants/${MISSING_ID}/limits`, { running_at_once: 3 }), 404);
    const key = check('createApiKey', await admin('POST', `tenants/${tenant.id}/keys`, { scopes: ['jobs:read'] }), 201).json();
    check('createApiKey', await admin('POST', `tenants/${tenant.id}/keys`, { scopes: ['everything'] }), 400);
    check('createApiKey', await admin('POST', `tenants/${MISSING_ID}/keys`, {}), 404);
    check('listApiKeys', await admin('GET', `tenants/${tenant.id}/keys`), 200);
    check('listApiKeys', await admin('GET', `tenants/${MISSING_ID}/keys`), 404);
    check('revokeApiKey', await admin('DELETE', `keys/${key.id}`), 200);
    check('revokeApiKey', await admin('DELETE', `keys/${MISSING_ID}`), 404);
  });

  it('answers 401, 403 and 429 on every route that documents them (API keys required, limits on)', async () => {
    const keyed = await harness.start({ eventApplier: false }, { AUTH_MODE: 'required', RATE_LIMIT_REQUESTS_PER_MINUTE_FREE: '1' });
    try {
      // A key whose only scope is not the route's: 403 insufficient-scope.
      const uploadsOnly = await newTenant(keyed, { plan: 'pro', key: { scopes: ['files:write'] } });
      const webhooksOnly = await newTenant(keyed, { plan: 'pro', key: { scopes: ['webhooks:manage'] } });
      const narrowFor = (path: string) => (path === '/api/v1/files' ? webhooksOnly : uploadsOnly);
      const spent = await newTenant(keyed, { plan: 'free' });
      const spentAdmin = await newTenant(keyed, { plan: 'free', key: { admin: true } });
      // Each uses up its one request of the minute; the answers carry the documented RateLimit headers.
      const lastAllowed = [
        check('listJobs', await inject(keyed, 'GET', '/api/v1/jobs', { headers: spent.headers }), 200),
        check('listTenants', await inject(keyed, 'GET', '/api/v1/admin/tenants', { headers: spentAdmin.headers }), 200),
      ];
      for (const answer of lastAllowed) expect(answer.headers['ratelimit-policy']).toBe('"requests";q=1;w=60');
      const operations = Object.entries(conformance.document.paths).flatMap(([path, item]) =>
        Object.entries(item as Record<string, { operationId?: string; responses?: Record<string, unknown> }>)
          .filter(([, operation]) => operation.operationId && operation.responses)
          .map(([method, operation]) => ({
            path,
            method: method.toUpperCase(),
            id: operation.operationId!,
            statuses: Object.keys(operation.responses!),
          })),
      );
      for (const operation of operations) {
        const url = operation.path.replace(/\{[^}]+\}/g, MISSING_ID);
        const call = (headers: Record<string, string> = {}) =>
          keyed.inject({ method: operation.method as 'GET', url, headers: { 'content-type': 'application/json', ...headers }, payload: '{}' });
        if (operation.statuses.includes('401')) check(operation.id, await call(), 401);
        if (operation.statuses.includes('403')) check(operation.id, await call(narrowFor(operation.path).headers), 403);
        if (operation.statuses.includes('429')) {
          const admin = operation.path.startsWith('/api/v1/admin');
          check(operation.id, await call((admin ? spentAdmin : spent).headers), 429);
        }
      }
    } finally {
      await harness.stop(keyed);
    }
  });

  afterAll(() => {
    // Runs before the harness closes (registered later): every documented status of OWNED, and
    // 401/403/429 of every route, must have been seen.
    const missing = conformance.documented().filter((pair) => {
      const [id, status] = pair.split(' ');
      return !conformance.covered.has(pair) && (OWNED.includes(id) || AUTH_AND_LIMIT_STATUSES.includes(status));
    });
    expect(missing).toEqual([]);
  });
});
