import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { uniqueBucketName } from '@validahub/testing';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import {
  createBucket,
  dropBucket,
  listKeys,
  multipartBody,
  readObject,
  s3Env,
  SAMPLE_FEED,
  startWorker,
  testS3Client,
} from '../testing/storage-test-kit';
import { newTenant, TestTenant } from '../testing/tenant-kit';

jest.setTimeout(60_000);

/**
 * Tenants on S3 (s3rver): their uploads and results live under tenants/<id>/ in the results
 * bucket and are named relative to it; another bucket is readable only by a tenant allowed it
 * (and by the operator's S3_ALLOWED_BUCKETS); storage errors reach no client as S3's own text.
 */
describe('tenant storage in S3 (AUTH_MODE=required, a real worker)', () => {
  const home = uniqueBucketName('tenants-home');
  const partner = uniqueBucketName('tenants-partner');
  let client: S3Client;
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;
  let allowed: TestTenant;
  let other: TestTenant;
  let operators: TestTenant;

  beforeAll(async () => {
    client = testS3Client();
    await createBucket(client, home);
    await createBucket(client, partner);
    await client.send(new PutObjectCommand({ Bucket: partner, Key: 'feeds/feed.csv', Body: SAMPLE_FEED }));
    harness = await createGatewayHarness('files_s3_tenants', { ...s3Env(home), S3_ALLOWED_BUCKETS: partner, AUTH_MODE: 'required' });
    app = await harness.start();
    worker = await startWorker(harness.config, ['pro']);
    allowed = await newTenant(app, { plan: 'pro', allowedBuckets: [partner] });
    other = await newTenant(app, { plan: 'pro' });
    operators = await newTenant(app, { plan: 'enterprise', key: { admin: true } });
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
    await dropBucket(client, home);
    await dropBucket(client, partner);
    client.destroy();
  });

  const create = (tenant: TestTenant, input_uri: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      headers: tenant.headers,
      payload: { task: 'correct_csv_job', params: { input_uri, marketplace: 'mercado_livre' } },
    });

  async function finished(tenant: TestTenant, id: string) {
    return waitFor(async () => {
      const job = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: tenant.headers })).json();
      return ['succeeded', 'failed'].includes(job.status) ? job : undefined;
    }, 30_000);
  }

  it('uploads and results stay under tenants/<id>/ in the results bucket, named relative to the tenant', async () => {
    const body = multipartBody({ content: SAMPLE_FEED });
    const uploaded = await app.inject({
      method: 'POST',
      url: '/api/v1/files',
      payload: body.payload,
      headers: { ...body.headers, ...allowed.headers },
    });
    const { uri } = uploaded.json();
    expect(uri).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.csv$/);
    expect(await readObject(client, `s3://${home}/tenants/${allowed.id}/${uri}`)).toBe(SAMPLE_FEED);

    const { id } = (await create(allowed, uri)).json();
    const job = await finished(allowed, id);
    // Named relative to the tenant, under the attempt that wrote them.
    expect(job.status).toBe('succeeded');
    expect(job.result_ref).toMatch(new RegExp(`^results/${id}/attempt-1/[0-9a-f]+/corrected\\.csv$`));
    expect(job.summary.report_ref).toBe(job.result_ref.replace(/corrected\.csv$/, 'report.json'));
    const stored = await readObject(client, `s3://${home}/tenants/${allowed.id}/${job.result_ref}`);
    const content = await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content`, headers: allowed.headers });
    expect(content.body).toBe(stored);
    expect((await listKeys(client, home)).every((key) => key.startsWith(`tenants/${allowed.id}/`))).toBe(true);

    // The other tenant: the same names resolve in its own (empty) storage; A's objects are out of reach.
    expectProblem(await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content`, headers: other.headers }), 404);
    for (const input of [`s3://${home}/tenants/${allowed.id}/${uri}`, `tenants/${allowed.id}/${uri}`, `../${allowed.id}/${uri}`]) {
      expect(expectProblem(await create(other, input), 400).detail).toMatch(/outside_tenant|path_traversal/);
    }
  });

  it("reads another bucket only for a tenant allowed it, and tells a missing object without S3's text", async () => {
    const ok = await finished(allowed, (await create(allowed, `s3://${partner}/feeds/feed.csv`)).json().id);
    expect(ok).toMatchObject({ status: 'succeeded' });
    expect(expectProblem(await create(other, `s3://${partner}/feeds/feed.csv`), 400).detail).toBe('Invalid params.input_uri (bucket_not_allowed).');

    const missing = await finished(allowed, (await create(allowed, `s3://${partner}/feeds/none.csv`)).json().id);
    expect(missing).toMatchObject({ status: 'failed', error: { code: 'input_not_found' } });
    expect(missing.error.message).toBe(`input not found: s3://${partner}/feeds/none.csv`);
    expect(JSON.stringify(missing)).not.toMatch(/NoSuchKey|specified key does not exist|HTTP 404/);
  });

  it('lets an admin allow only buckets the operator allows', async () => {
    const refused = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/tenants/${other.id}`,
      headers: operators.headers,
      payload: { allowed_buckets: ['someone-elses-bucket'] },
    });
    expect(expectProblem(refused, 400).errors?.[0]?.field).toBe('allowed_buckets');
    const granted = await app.inject({
      method: 'PATCH',
      url: `/api/v1/admin/tenants/${other.id}`,
      headers: operators.headers,
      payload: { allowed_buckets: [partner] },
    });
    expect(granted.json()).toMatchObject({ allowed_buckets: [partner] });
    expect((await create(other, `s3://${partner}/feeds/feed.csv`)).statusCode).toBe(202);
  });
});
