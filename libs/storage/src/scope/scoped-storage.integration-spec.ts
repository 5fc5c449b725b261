import type { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '@validahub/config';
import { uniqueBucketName } from '@validahub/testing';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createStorageFromConfig } from '../create-storage';
import { StorageUriError } from '../errors';
import { resultLocation } from '../results';
import { createS3Client } from '../s3/s3-client';
import { createBucket, dropBucket, listKeys, TEST_S3_CONFIG } from '../testing/s3-test-bucket';
import { readAll, rejectionOf } from '../testing/test-data';
import { storeUpload } from '../uploads/store-upload';
import { ScopedStorage } from './scoped-storage';
import { openScope, tenantScope } from './storage-scope';

const A = '6b0f4a43-64a5-4b43-9a43-0b4f7e2f1c11';
const B = '1f3bd2f6-8c0e-4f38-8b47-5d0a3a6a9e01';
const bucket = uniqueBucketName('scoped-home');
let root: string;
let admin: S3Client;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vh-scoped-'));
  admin = createS3Client(TEST_S3_CONFIG);
  await createBucket(admin, bucket);
});

afterAll(async () => {
  await dropBucket(admin, bucket);
  admin.destroy();
  rmSync(root, { recursive: true, force: true });
});

function localConfig(): StorageConfig {
  return { localRoot: root, resultsUri: 'results/', maxUploadBytes: 1024, presignResults: false, s3: { ...TEST_S3_CONFIG, allowedBuckets: [] } };
}

describe('ScopedStorage on local disk', () => {
  it("keeps a tenant's uploads and results under its prefix and names them relative to it", async () => {
    const config = localConfig();
    const base = createStorageFromConfig(config);
    const a = new ScopedStorage(base, config, tenantScope(A));
    const stored = await storeUpload(a, Readable.from(['sku\n1\n']), { targetUri: a.uploadTarget(), maxBytes: 1024 });
    expect(stored.uri).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.csv$/);
    expect(readFileSync(join(root, 'tenants', A, stored.uri), 'utf8')).toBe('sku\n1\n');

    const result = await a.write(resultLocation(a.resultsUri, { jobId: 'job-1', attempt: 1, runId: 'r1' }, 'report'), '{}');
    expect(result.uri).toBe('results/job-1/attempt-1/r1/report.json');
    expect(existsSync(join(root, 'tenants', A, 'results', 'job-1', 'attempt-1', 'r1', 'report.json'))).toBe(true);
    expect((await readAll((await a.openRead(result.uri)).stream)).toString()).toBe('{}');

    // B names the same relative paths and finds only its own (nothing), never A's bytes.
    const b = new ScopedStorage(base, config, tenantScope(B));
    expect(await b.exists(stored.uri)).toBe(false);
    expect(await rejectionOf(b.openRead(`tenants/${A}/${stored.uri}`))).toMatchObject({ reason: 'outside_tenant' });
    expect(await rejectionOf(b.delete(`../${A}/${stored.uri}`))).toBeInstanceOf(StorageUriError);
    expect(existsSync(join(root, 'tenants', A, stored.uri))).toBe(true);
  });

  it('serves the open-mode tenant as before tenancy, without the tenants folder', async () => {
    const config = localConfig();
    const open = new ScopedStorage(createStorageFromConfig(config), config, openScope());
    expect(open.resultsUri).toBe('results/');
    expect(open.uploadTarget()).toMatch(/^uploads\//);
    expect((await open.write('feeds/in.csv', 'x')).uri).toBe('feeds/in.csv');
    expect(await rejectionOf(open.openRead(`tenants/${A}/results/job-1.json`))).toMatchObject({ reason: 'outside_tenant' });
  });
});

describe('ScopedStorage with the results bucket as home', () => {
  it("puts a tenant's objects under tenants/<id>/ in the bucket", async () => {
    const config: StorageConfig = { ...localConfig(), resultsUri: `s3://${bucket}/results/` };
    const base = createStorageFromConfig(config);
    const a = new ScopedStorage(base, config, tenantScope(A));
    const stored = await storeUpload(a, Readable.from(['sku\n2\n']), { targetUri: a.uploadTarget(), maxBytes: 1024 });
    expect(stored.uri).toMatch(/^uploads\//);
    expect(await listKeys(admin, bucket, `tenants/${A}/uploads/`)).toEqual([`tenants/${A}/${stored.uri}`]);
    const written = await a.write(resultLocation(a.resultsUri, { jobId: 'job-2', attempt: 1, runId: 'r1' }, 'corrected'), 'sku\n');
    expect(written.uri).toBe('results/job-2/attempt-1/r1/corrected.csv');
    expect(await a.exists(`s3://${bucket}/tenants/${A}/results/job-2/attempt-1/r1/corrected.csv`)).toBe(true);

    const b = new ScopedStorage(base, config, tenantScope(B));
    expect(await b.exists(stored.uri)).toBe(false);
    expect(await rejectionOf(b.openRead(`s3://${bucket}/tenants/${A}/${stored.uri}`))).toMatchObject({ reason: 'outside_tenant' });
    base.s3?.client.destroy();
  });
});
