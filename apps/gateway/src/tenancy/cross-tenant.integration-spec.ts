import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness, TEST_METRICS_TOKEN, waitFor } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { multipartBody, startWorker } from '../testing/storage-test-kit';
import { newTenant, TestTenant } from '../testing/tenant-kit';

jest.setTimeout(60_000);

const SECRET = 'SECRET-ROW-OF-TENANT-A';
const FEED = `sku,title,price,available_quantity,condition\n${SECRET},Produto de A,10.00,1,new\n`;
const BASIC = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

/**
 * Tenant B holds tenant A's ids and paths and tries every route with them: it gets 404 or 400,
 * never a byte of A's data. Real gateway, real worker, local storage under tenants/<id>/.
 */
describe('cross-tenant isolation (AUTH_MODE=required)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;
  let outside: string;
  let a: TestTenant;
  let b: TestTenant;
  let operators: TestTenant;
  let aUpload: string;
  let aJob: string;
  let aRunning: string;
  /** Every body B received, searched for A's bytes at the end. */
  const seenByB: string[] = [];

  beforeAll(async () => {
    harness = await createGatewayHarness('crosstenant', {
      AUTH_MODE: 'required',
      ENABLE_TEST_TASKS: 'true',
      RESULTS_URI: 'results/',
      DASHBOARD_USER: 'ops',
      DASHBOARD_PASSWORD: 'ops-password',
      WORKER_SHUTDOWN_GRACE_SECONDS: '1',
    });
    app = await harness.start();
    worker = await startWorker(harness.config, ['pro']);
    [a, b] = [await newTenant(app, { plan: 'pro' }), await newTenant(app, { plan: 'pro' })];
    operators = await newTenant(app, { plan: 'enterprise', key: { admin: true } });

    const uploaded = await asTenant(a, 'POST', '/api/v1/files', multipartBody({ content: FEED }));
    aUpload = uploaded.json().uri;
    const created = await asTenant(a, 'POST', '/api/v1/jobs', {
      payload: { task: 'correct_csv_job', params: { input_uri: aUpload, marketplace: 'generic' }, idempotency_key: 'shared-key' },
    });
    aJob = created.json().id;
    await waitFor(async () => (await asTenant(a, 'GET', `/api/v1/jobs/${aJob}`)).json().status === 'succeeded', 30_000, "A's job");
    aRunning = (await asTenant(a, 'POST', '/api/v1/jobs', { payload: { task: 'sleep_job', params: { ms: 60_000 } } })).json().id;
    await waitFor(async () => (await asTenant(a, 'GET', `/api/v1/jobs/${aRunning}`)).json().status === 'running', 30_000, "A's running job");

    // Links planted on disk: in A's prefix pointing at B and out of the root; in B's prefix pointing at A's upload.
    const root = harness.storageRoot;
    outside = await mkdtemp(join(tmpdir(), 'vh-outside-'));
    await writeFile(join(outside, 'host.csv'), `sku\n${SECRET}\n`);
    await mkdir(join(root, 'tenants', b.id, 'uploads'), { recursive: true });
    await symlink(join(root, 'tenants', b.id), join(root, 'tenants', a.id, 'uploads', 'to-b'));
    await symlink(join(outside, 'host.csv'), join(root, 'tenants', a.id, 'uploads', 'host.csv'));
    await symlink(join(root, 'tenants', a.id, aUpload), join(root, 'tenants', b.id, 'uploads', 'a-link.csv'));
  });

  afterAll(async () => {
    if (aRunning) await asTenant(a, 'DELETE', `/api/v1/jobs/${aRunning}`).catch(() => undefined);
    await worker?.stop();
    await harness?.close();
    await rm(outside, { recursive: true, force: true });
  });

  async function asTenant(
    tenant: TestTenant,
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    body: { payload: object | Buffer; headers?: Record<string, string> } = { payload: undefined as unknown as object },
  ) {
    const response = await app.inject({ method, url, payload: body.payload, headers: { ...(body.headers ?? {}), ...tenant.headers } });
    if (tenant === b) seenByB.push(response.body);
    return response;
  }

  it("A reads its own job, result and content (the positive control: A's bytes are there to leak)", async () => {
    const job = (await asTenant(a, 'GET', `/api/v1/jobs/${aJob}`)).json();
    // Results live under the attempt that wrote them, inside the tenant's own prefix.
    expect(job.status).toBe('succeeded');
    expect(job.result_ref).toMatch(new RegExp(`^results/${aJob}/attempt-1/[0-9a-f]+/corrected\\.csv$`));
    expect((await asTenant(a, 'GET', `/api/v1/jobs/${aJob}/result/content`)).body).toContain(SECRET);
    expect(existsSync(join(harness.storageRoot, 'tenants', a.id, job.result_ref))).toBe(true);
    expect(await readFile(join(harness.storageRoot, 'tenants', a.id, aUpload), 'utf8')).toBe(FEED);
  });

  it.each([
    ['GET', 'job', (id: string) => `/api/v1/jobs/${id}`],
    ['GET', 'events', (id: string) => `/api/v1/jobs/${id}/events`],
    ['GET', 'result', (id: string) => `/api/v1/jobs/${id}/result`],
    ['GET', 'result content', (id: string) => `/api/v1/jobs/${id}/result/content`],
    ['GET', 'result content (report)', (id: string) => `/api/v1/jobs/${id}/result/content?part=report`],
    ['GET', 'result content (corrected)', (id: string) => `/api/v1/jobs/${id}/result/content?part=corrected`],
    ['DELETE', 'cancel', (id: string) => `/api/v1/jobs/${id}`],
  ] as const)("B: %s %s of A's job -> 404", async (method, _what, url) => {
    for (const id of [aJob, aRunning]) expectProblem(await asTenant(b, method, url(id)), 404);
  });

  it("leaves A's running job running after B's cancel", async () => {
    expect((await asTenant(a, 'GET', `/api/v1/jobs/${aRunning}`)).json()).toMatchObject({ status: 'running', cancel_requested: false });
  });

  it.each([
    '',
    '?status=succeeded',
    '?task=correct_csv_job',
    '?plan=pro',
    '?status=running&task=sleep_job',
    '?created_after=2000-01-01T00:00:00.000Z',
  ])("B: GET /api/v1/jobs%s lists none of A's jobs", async (query) => {
    const page = (await asTenant(b, 'GET', `/api/v1/jobs${query}`)).json();
    const ids = page.items.map((job: { id: string }) => job.id);
    expect(ids).not.toContain(aJob);
    expect(ids).not.toContain(aRunning);
    expect(page.total).toBe(ids.length);
  });

  it("B: the same idempotency key and body as A creates B's own job, never a replay of A's", async () => {
    const payload = { task: 'correct_csv_job', params: { input_uri: aUpload, marketplace: 'generic' }, idempotency_key: 'shared-key' };
    const response = await asTenant(b, 'POST', '/api/v1/jobs', { payload });
    expect(response.statusCode).toBe(202);
    expect(response.headers['idempotent-replayed']).toBeUndefined();
    expect(response.json().id).not.toBe(aJob);
    // A's relative upload path names a file in B's own storage, which does not exist.
    const job = await waitFor(async () => {
      const current = (await asTenant(b, 'GET', `/api/v1/jobs/${response.json().id}`)).json();
      return ['failed', 'succeeded'].includes(current.status) ? current : undefined;
    }, 30_000);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'input_not_found' } });
  });

  it("B: an upload lands in B's own prefix", async () => {
    const uri = (await asTenant(b, 'POST', '/api/v1/files', multipartBody({ content: 'sku\nB-1\n' }))).json().uri;
    expect(uri).toMatch(/^uploads\//);
    expect(existsSync(join(harness.storageRoot, 'tenants', b.id, uri))).toBe(true);
    expect(existsSync(join(harness.storageRoot, 'tenants', a.id, uri))).toBe(false);
  });

  it.each([
    ["A's prefix by name", () => `tenants/${a.id}/${aUpload}`],
    ["A's prefix by ../ from B's", () => `../${a.id}/${aUpload}`],
    ['../../ up to the root', () => `../../tenants/${a.id}/${aUpload}`],
    ['an absolute path', () => join(harness.storageRoot, 'tenants', a.id, aUpload)],
    ['a file:// URI', () => `file://${join(harness.storageRoot, 'tenants', a.id, aUpload)}`],
    ["a link in B's prefix to A's file", () => 'uploads/a-link.csv'],
    ["a link planted in A's prefix, named from B", () => `tenants/${a.id}/uploads/to-b/x.csv`],
    ['encoded dots', () => `%2e%2e/${a.id}/${aUpload}`],
    ['an s3:// URI of the storage', () => `s3://validahub/tenants/${a.id}/${aUpload}`],
  ])('B: input_uri %s -> 400 on params.input_uri, no job', async (_what, input) => {
    const before = (await asTenant(b, 'GET', '/api/v1/jobs')).json().total;
    const response = await asTenant(b, 'POST', '/api/v1/jobs', { payload: { task: 'correct_csv_job', params: { input_uri: input() } } });
    expect(expectProblem(response, 400).errors?.[0]?.field).toBe('params.input_uri');
    expect((await asTenant(b, 'GET', '/api/v1/jobs')).json().total).toBe(before);
  });

  it.each(['uploads/to-b/anything.csv', 'uploads/host.csv'])("A: a link planted in A's own prefix (%s) leads nowhere -> 400", async (input) => {
    const response = await asTenant(a, 'POST', '/api/v1/jobs', { payload: { task: 'correct_csv_job', params: { input_uri: input } } });
    expect(expectProblem(response, 400).detail).toBe('Invalid params.input_uri (symlink_escape).');
  });

  it('the queue dashboard and its JSON API need operator credentials', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues?activeQueue=queue-pro&status=completed&page=1']) {
      const anonymous = await app.inject({ method: 'GET', url });
      expectProblem(anonymous, 401);
      expect(String(anonymous.headers['www-authenticate'])).toContain('Basic realm=');
      expectProblem(await app.inject({ method: 'GET', url, headers: BASIC('ops', 'wrong') }), 401);
      const tenantKey = await app.inject({ method: 'GET', url, headers: b.headers });
      expect(expectProblem(tenantKey, 403).required_scope).toBe('admin');
      seenByB.push(tenantKey.body);
      expect((await app.inject({ method: 'GET', url, headers: BASIC('ops', 'ops-password') })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url, headers: operators.headers })).statusCode).toBe(200);
    }
  });

  it('/metrics needs METRICS_TOKEN or an admin key', async () => {
    expectProblem(await app.inject({ method: 'GET', url: '/metrics' }), 401);
    const tenantKey = await app.inject({ method: 'GET', url: '/metrics', headers: b.headers });
    expect(expectProblem(tenantKey, 403).required_scope).toBe('admin');
    expectProblem(await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: 'Bearer not-the-token' } }), 401);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/metrics', headers: operators.headers })).statusCode).toBe(200);
  });

  it("never showed B a byte of A's data", () => {
    expect(seenByB.length).toBeGreaterThan(30);
    for (const body of seenByB) expect(body).not.toContain(SECRET);
  });
});
