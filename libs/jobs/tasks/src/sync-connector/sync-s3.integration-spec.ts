// sync_connector_job's handler with s3 sources: s3rver behind the storage lib (bucket allow-list
// included), the feed stored on local disk.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { PermanentJobError } from '@validahub/jobs-domain';
import { createStorageFromConfig, type ObjectStorage } from '@validahub/storage';
import { TEST_S3_ENDPOINT, uniqueBucketName } from '@validahub/testing';
import type { TaskDeps } from '../task';
import { runTask } from '../testing/run-task';
import { syncConnectorTask } from './sync-connector.task';

jest.setTimeout(30_000);

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

describe('sync_connector_job from s3 (s3rver)', () => {
  const bucket = uniqueBucketName('sync-src');
  const s3 = new S3Client({ endpoint: TEST_S3_ENDPOINT, region: 'us-east-1', forcePathStyle: true, credentials });
  let root: string;
  let storage: ObjectStorage;
  let deps: TaskDeps;
  const sourceReads: string[] = [];

  beforeAll(async () => {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    root = await mkdtemp(join(tmpdir(), 'vh-sync-s3-'));
    storage = createStorageFromConfig({
      localRoot: root,
      resultsUri: 'results',
      s3: { endpoint: TEST_S3_ENDPOINT, region: 'us-east-1', forcePathStyle: true, ...credentials, allowedBuckets: [bucket] },
      maxUploadBytes: 1_000_000,
      presignResults: false,
    });
    // Counts the downloads of source objects, to show a "not modified" sync downloads nothing.
    const counted: ObjectStorage = Object.assign(Object.create(storage) as ObjectStorage, {
      openRead: (uri: string, options?: { signal?: AbortSignal }) => {
        if (uri.startsWith('s3://')) sourceReads.push(uri);
        return storage.openRead(uri, options);
      },
    });
    deps = { storage: counted, resultsUri: 'results', maxUploadBytes: 1_000_000 };
  });
  afterAll(async () => {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const item of listed.Contents ?? []) await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: item.Key }));
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
    s3.destroy();
    await rm(root, { recursive: true, force: true });
  });

  const sync = (uri: string, extra: Record<string, unknown> = {}) => runTask(syncConnectorTask, { source: { type: 's3', uri }, ...extra }, { deps });
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (e: unknown) => e,
    );
  const source = `s3://${bucket}/in/daily feed.csv`;

  it('copies the object into feeds/<key name>, then finds it not modified by its ETag without downloading it', async () => {
    await storage.write(source, 'sku,price\nA,1\n');
    const first = await sync(source);
    expect(first.summary).toEqual({ uri: 'feeds/daily_feed.csv', size: 14, sha256: sha256('sku,price\nA,1\n'), unchanged: false });
    expect(await readFile(join(root, 'feeds/daily_feed.csv'), 'utf8')).toBe('sku,price\nA,1\n');
    expect(sourceReads).toEqual([source]);

    const second = await sync(source);
    expect(second.summary).toEqual({ uri: 'feeds/daily_feed.csv', size: 14, sha256: sha256('sku,price\nA,1\n'), unchanged: true });
    expect(sourceReads).toEqual([source]);
  });

  it('a rewritten object of the same size is downloaded again, even within the same second', async () => {
    await storage.write(source, 'sku,price\nA,2\n');
    const result = await sync(source);
    expect(result.summary).toMatchObject({ size: 14, sha256: sha256('sku,price\nA,2\n'), unchanged: false });
    expect(sourceReads).toHaveLength(2);
  });

  it('a bucket outside the allow-list is refused, a missing object fails as input_not_found; neither is retried', async () => {
    const outside = await failure(sync('s3://some-other-bucket/feed.csv'));
    expect(outside).toBeInstanceOf(PermanentJobError);
    expect(outside).toMatchObject({ code: 'invalid_storage_uri' });
    expect((outside as Error).message).toBe(
      'storage URI "s3://some-other-bucket/feed.csv" names bucket "some-other-bucket", which is not an allowed bucket',
    );
    const missing = await failure(sync(`s3://${bucket}/in/nothing.csv`));
    expect(missing).toBeInstanceOf(PermanentJobError);
    expect(missing).toMatchObject({ code: 'input_not_found' });
  });

  it('an object larger than max_bytes fails before downloading', async () => {
    await storage.write(`s3://${bucket}/in/big.csv`, 'x'.repeat(5000));
    const error = await failure(sync(`s3://${bucket}/in/big.csv`, { max_bytes: 4096 }));
    expect(error).toMatchObject({ code: 'source_too_large', message: 'the source is larger than max_bytes (4096 bytes): it holds 5000' });
    expect(sourceReads).not.toContain(`s3://${bucket}/in/big.csv`);
  });
});
