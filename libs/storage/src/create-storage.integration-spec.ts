import type { S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '@validahub/config';
import { uniqueBucketName } from '@validahub/testing';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { CompositeStorage } from './composite-storage';
import { createStorageFromConfig } from './create-storage';
import { StorageUnavailableError, StorageUriError } from './errors';
import { resultLocation } from './results';
import { createS3Client } from './s3/s3-client';
import { createBucket, dropBucket, listKeys, TEST_S3_CONFIG } from './testing/s3-test-bucket';
import { readAll, rejectionOf, sha256 } from './testing/test-data';
import { storeUpload } from './uploads/store-upload';
import { pickUploadTarget } from './uploads/upload-target';

const resultsBucket = uniqueBucketName('storage-results');
const inputsBucket = uniqueBucketName('storage-inputs');
let root: string;
let admin: S3Client;
let config: StorageConfig;
let storage: CompositeStorage;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'vh-composite-'));
  admin = createS3Client(TEST_S3_CONFIG);
  await createBucket(admin, resultsBucket);
  await createBucket(admin, inputsBucket);
  config = {
    localRoot: root,
    resultsUri: `s3://${resultsBucket}/results/`,
    maxUploadBytes: 64 * 1024,
    presignResults: true,
    s3: { ...TEST_S3_CONFIG, allowedBuckets: [inputsBucket] },
  };
  storage = createStorageFromConfig(config, { s3Tuning: { maxAttempts: 2 } });
});

afterAll(async () => {
  await dropBucket(admin, resultsBucket);
  await dropBucket(admin, inputsBucket);
  admin.destroy();
  storage.s3?.client.destroy();
  rmSync(root, { recursive: true, force: true });
});

describe('createStorageFromConfig with S3 and a local root', () => {
  it('routes s3:// URIs to S3 and paths to the local root', async () => {
    await storage.write(`s3://${inputsBucket}/feeds/in.csv`, 'sku\nA\n');
    await storage.write('feeds/in.csv', 'sku\nB\n');
    await storage.write(`file://${root}/feeds/other.csv`, 'sku\nC\n');

    expect(await listKeys(admin, inputsBucket, 'feeds/')).toEqual(['feeds/in.csv']);
    expect(existsSync(join(root, 'feeds', 'in.csv'))).toBe(true);
    expect(existsSync(join(root, 'feeds', 'other.csv'))).toBe(true);
    expect((await readAll((await storage.openRead(`s3://${inputsBucket}/feeds/in.csv`)).stream)).toString()).toBe('sku\nA\n');
    expect((await readAll((await storage.openRead('feeds/in.csv')).stream)).toString()).toBe('sku\nB\n');
  });

  it('locates URIs for the gateway, refusing what a job may not touch', () => {
    expect(storage.locate(`s3://${inputsBucket}/a.csv`)).toEqual({ kind: 's3', bucket: inputsBucket, key: 'a.csv' });
    expect(storage.locate(`s3://${resultsBucket}/uploads/a.csv`)).toMatchObject({ kind: 's3', bucket: resultsBucket });
    expect(storage.locate('feeds/in.csv')).toMatchObject({ kind: 'local', relativePath: 'feeds/in.csv' });
    for (const [uri, reason] of [
      ['s3://not-allowed-bucket/a.csv', 'bucket_not_allowed'],
      ['../../etc/passwd', 'path_traversal'],
      ['file:///etc/passwd', 'outside_root'],
    ]) {
      expect(() => storage.locate(uri)).toThrow(StorageUriError);
      expect(() => storage.locate(uri)).toThrow(expect.objectContaining({ reason }));
    }
  });

  it('stores an upload at a picked target and a result beside it, and presigns the result', async () => {
    const target = pickUploadTarget(config);
    expect(target).toMatch(new RegExp(`^s3://${resultsBucket}/uploads/\\d{4}/\\d{2}/[0-9a-f-]{36}\\.csv$`));
    const csv = Buffer.from('sku,price\nA1,10\n');
    const stored = await storeUpload(storage, Readable.from([csv]), { targetUri: target, maxBytes: config.maxUploadBytes });
    expect(stored).toEqual({ uri: target, size: csv.length, sha256: sha256(csv) });

    const resultUri = resultLocation(config.resultsUri, { jobId: '550e8400-e29b-41d4-a716-446655440000', attempt: 1, runId: 'r1' }, 'report');
    expect(resultUri).toBe(`s3://${resultsBucket}/results/550e8400-e29b-41d4-a716-446655440000/attempt-1/r1/report.json`);
    await storage.write(resultUri, '{"rows_total":1}');
    const url = await storage.presignGet(resultUri, 120);
    expect(await (await fetch(url as string)).text()).toBe('{"rows_total":1}');
    expect(await storage.presignGet('feeds/in.csv', 120)).toBeNull();
  });

  it('is ready when the local root is writable and the results bucket answers', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
  });

  it('is not ready, transiently, when S3 is down', async () => {
    const down = createStorageFromConfig(
      { ...config, s3: { ...config.s3, endpoint: 'http://127.0.0.1:1' } },
      { s3Tuning: { maxAttempts: 1, connectTimeoutMs: 300 } },
    );
    expect(await rejectionOf(down.ping())).toBeInstanceOf(StorageUnavailableError);
  });
});

describe('createStorageFromConfig with local disk only', () => {
  it('refuses s3:// URIs and stores results under the root', async () => {
    const local = createStorageFromConfig({
      ...config,
      resultsUri: 'results/',
      s3: { region: 'us-east-1', forcePathStyle: false, allowedBuckets: [] },
    });
    expect(local.s3).toBeUndefined();
    const refused = await rejectionOf(local.openRead(`s3://${inputsBucket}/feeds/in.csv`));
    expect(refused).toMatchObject({ reason: 's3_not_configured' });
    const written = await local.write(resultLocation('results/', { jobId: 'job-1', attempt: 2, runId: 'r2' }, 'corrected'), 'sku\n');
    expect(written.uri).toBe('results/job-1/attempt-2/r2/corrected.csv');
    expect(existsSync(join(root, 'results', 'job-1', 'attempt-2', 'r2', 'corrected.csv'))).toBe(true);
    await expect(local.ping()).resolves.toBeUndefined();
    expect(pickUploadTarget({ resultsUri: 'results/' })).toMatch(/^uploads\/\d{4}\/\d{2}\/[0-9a-f-]{36}\.csv$/);
  });
});
