import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { multipartBody } from '../testing/storage-test-kit';
import { newTenant, TestTenant } from '../testing/tenant-kit';
import { RetentionPurge } from './retention-purge';

const ROW = 'sku,title\nA-1,abcdefghijklmno\n'; // 30 bytes

/** The upload-bytes quota (exact over two replicas) and the retention purge of uploads and results. */
describe('storage quota and retention (two gateways, real Postgres)', () => {
  let harness: GatewayHarness;
  let one: NestFastifyApplication;
  let two: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('retention', { AUTH_MODE: 'required', QUOTA_UPLOAD_BYTES_PRO: '100', RETENTION_PURGE_INTERVAL_MS: '0' });
    one = await harness.start({ eventApplier: true });
    two = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  const upload = (app: NestFastifyApplication, tenant: TestTenant, content = ROW) => {
    const body = multipartBody({ content });
    return app.inject({ method: 'POST', url: '/api/v1/files', payload: body.payload, headers: { ...body.headers, ...tenant.headers } });
  };
  const storedUploads = async (tenant: TestTenant) => {
    const root = join(harness.storageRoot, 'tenants', tenant.id, 'uploads');
    if (!existsSync(root)) return 0;
    return (await readdir(root, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile()).length;
  };
  const usage = async (tenant: TestTenant) =>
    Number((await one.get(DataSource).query(`SELECT upload_bytes FROM tenant_usage WHERE tenant_id = $1`, [tenant.id]))[0]?.upload_bytes ?? 0);

  it('6 parallel 30-byte uploads over two replicas with a 100-byte quota store exactly 3; the rest are 429 and leave nothing behind', async () => {
    const tenant = await newTenant(one, { plan: 'pro' });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => upload(i % 2 ? one : two, tenant)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 201, 201, 429, 429, 429]);
    const problem = expectProblem(
      answers.find((a) => a.statusCode === 429)!,
      429,
    );
    expect(problem).toMatchObject({ type: 'https://validahub.dev/problems/quota-exceeded', quota: 'upload_bytes', limit: 100 });
    expect(await storedUploads(tenant)).toBe(3);
    expect(await usage(tenant)).toBe(90);
    // 90 of 100 used: a 10-byte file still fits, then the tenant is full and refused before its body is read.
    expect(Buffer.byteLength(ROW)).toBe(30);
    expect((await upload(one, tenant, 'sku\nA-123\n')).statusCode).toBe(201);
    const full = await upload(two, tenant);
    expectProblem(full, 429);
    expect(full.headers.connection).toBe('close');
  });

  it('purges uploads past UPLOAD_RETENTION_DAYS once, from either replica, giving their bytes back', async () => {
    const tenant = await newTenant(one, { plan: 'pro' });
    const recent = (await upload(one, tenant)).json().uri as string;
    const old = (await upload(two, tenant)).json().uri as string;
    await one.get(DataSource).query(`UPDATE uploads SET created_at = now() - interval '8 days' WHERE tenant_id = $1 AND uri = $2`, [tenant.id, old]);
    const reports = await Promise.all([one, two].map((app) => app.get(RetentionPurge).purgeOnce()));
    expect(reports.reduce((sum, r) => sum + r.uploads, 0)).toBe(1);
    expect(await storedUploads(tenant)).toBe(1);
    expect(await usage(tenant)).toBe(30);
    expect(existsSync(join(harness.storageRoot, 'tenants', tenant.id, recent))).toBe(true);
    expect(existsSync(join(harness.storageRoot, 'tenants', tenant.id, old))).toBe(false);
    // Idempotent: nothing left to purge.
    expect(await one.get(RetentionPurge).purgeOnce()).toEqual({ uploads: 0, uploadBytes: 0, results: 0 });
    // A job naming the purged upload is refused like any missing input would be at run time; the recent one still works.
    const body = { task: 'validate_csv_job', params: { input_uri: recent, marketplace: 'mercado_livre' } };
    expect((await one.inject({ method: 'POST', url: '/api/v1/jobs', payload: body, headers: tenant.headers })).statusCode).toBe(202);
  });

  it('purges results of jobs finished past RESULT_RETENTION_DAYS; their content is then 410 result-expired', async () => {
    const tenant = await newTenant(one, { plan: 'pro' });
    const created = await one.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      payload: { task: 'validate_csv_job', params: { input_uri: 'feed.csv', marketplace: 'mercado_livre' } },
      headers: tenant.headers,
    });
    const id = created.json().id as string;
    const report = `results/${id}.json`;
    await mkdir(join(harness.storageRoot, 'tenants', tenant.id, 'results'), { recursive: true });
    await writeFile(join(harness.storageRoot, 'tenants', tenant.id, report), JSON.stringify({ issues: [] }));
    const at = new Date().toISOString();
    await harness.publisher.publish({ type: 'started', jobId: id, attempt: 1, at });
    await harness.publisher.publish({
      type: 'succeeded',
      jobId: id,
      attempt: 1,
      at,
      startedAt: at,
      resultRef: report,
      summary: { report_ref: report },
    });
    const content = () => one.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content`, headers: tenant.headers });
    await waitFor(async () => (await content()).statusCode === 200, 10_000, 'result served');

    // Within retention: untouched.
    expect((await one.get(RetentionPurge).purgeOnce()).results).toBe(0);
    await one.get(DataSource).query(`UPDATE jobs SET finished_at = now() - interval '31 days' WHERE id = $1`, [id]);
    const reports = await Promise.all([one, two].map((app) => app.get(RetentionPurge).purgeOnce()));
    expect(reports.reduce((sum, r) => sum + r.results, 0)).toBe(1);
    expect(existsSync(join(harness.storageRoot, 'tenants', tenant.id, report))).toBe(false);
    const gone = expectProblem(await content(), 410);
    expect(gone).toMatchObject({ type: 'https://validahub.dev/problems/result-expired', expired_at: expect.any(String) });
    expect((await one.get(RetentionPurge).purgeOnce()).results).toBe(0);
  });
});
