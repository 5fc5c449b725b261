import type { S3Client } from '@aws-sdk/client-s3';
import { uniqueBucketName } from '@validahub/testing';
import { StorageAccessError, StorageUriError, UploadTooLargeError } from '../errors';
import { describeObjectStorageContract } from '../testing/object-storage-contract';
import { createBucket, dropBucket, listKeys, TEST_S3_CONFIG } from '../testing/s3-test-bucket';
import { chunkedStream, countingStream, randomData, readAll, rejectionOf, sha256 } from '../testing/test-data';
import { storeUpload } from '../uploads/store-upload';
import { createS3Client } from './s3-client';
import { S3ObjectStorage } from './s3-object-storage';

const MIB = 1024 * 1024;
const bucket = uniqueBucketName('storage-s3');
let client: S3Client;
let storage: S3ObjectStorage;
const commands: string[] = [];

beforeAll(async () => {
  client = createS3Client(TEST_S3_CONFIG);
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommandsForTest' },
  );
  await createBucket(client, bucket);
  storage = new S3ObjectStorage({ client, allowedBuckets: [bucket], partSizeBytes: 5 * MIB, healthBucket: bucket });
});

afterAll(async () => {
  await dropBucket(client, bucket);
  client.destroy();
});

const uri = (key: string) => `s3://${bucket}/${key}`;

describe('S3ObjectStorage against s3rver (contract)', () => {
  describeObjectStorageContract(() => ({
    storage,
    uri,
    listStored: (prefix) => listKeys(client, bucket, prefix),
    forbiddenUri: `s3://other-${bucket}/x.csv`,
  }));
});

describe('S3ObjectStorage against s3rver', () => {
  beforeEach(() => {
    commands.length = 0;
  });

  it('uploads a body over 16 MB in parts and reads it back intact', async () => {
    const data = randomData(20 * MIB + 5);
    const written = await storage.write(uri('big/twenty-mb.csv'), chunkedStream(data));
    expect(written).toEqual({ uri: uri('big/twenty-mb.csv'), size: data.length, sha256: sha256(data) });
    expect(commands.filter((name) => name === 'CreateMultipartUploadCommand')).toHaveLength(1);
    expect(commands.filter((name) => name === 'UploadPartCommand')).toHaveLength(5);
    expect(commands).toContain('CompleteMultipartUploadCommand');
    expect(commands).not.toContain('PutObjectCommand');
    expect(await storage.head(uri('big/twenty-mb.csv'))).toMatchObject({ size: data.length, contentType: 'text/csv' });
    expect(sha256(await readAll((await storage.openRead(uri('big/twenty-mb.csv'))).stream))).toBe(sha256(data));
  });

  it('sends a small body as one PutObject', async () => {
    await storage.write(uri('small/one.json'), '{"ok":true}');
    expect(commands).toEqual(['PutObjectCommand']);
    expect(await storage.head(uri('small/one.json'))).toMatchObject({
      size: 11,
      contentType: 'application/json',
      etag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
    });
  });

  it("head() carries the object's ETag, which changes with the content", async () => {
    await storage.write(uri('tagged/a.csv'), 'one');
    const first = (await storage.head(uri('tagged/a.csv')))?.etag;
    await storage.write(uri('tagged/a.csv'), 'two');
    const second = (await storage.head(uri('tagged/a.csv')))?.etag;
    expect(first).toEqual(expect.any(String));
    expect(second).toEqual(expect.any(String));
    expect(second).not.toBe(first);
  });

  it('stops a multipart upload at the limit, tries to abort it and keeps no object', async () => {
    const source = countingStream(64 * MIB);
    const error = await rejectionOf(storeUpload(storage, source.stream, { targetUri: uri('uploads/huge.csv'), maxBytes: 12 * MIB }));
    expect(error).toBeInstanceOf(UploadTooLargeError);
    expect(commands).toContain('CreateMultipartUploadCommand');
    // s3rver answers AbortMultipartUpload with 405; the limit error must still win.
    expect(commands).toContain('AbortMultipartUploadCommand');
    expect(commands).not.toContain('CompleteMultipartUploadCommand');
    expect(await listKeys(client, bucket, 'uploads/huge')).toEqual([]);
  });

  it('presigns a GET that plain fetch can use', async () => {
    await storage.write(uri('presign/report.json'), '{"rows":3}');
    const url = await storage.presignGet(uri('presign/report.json'), 60);
    expect(url).toContain('X-Amz-Expires=60');
    const response = await fetch(url as string);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('{"rows":3}');

    const missing = await fetch((await storage.presignGet(uri('presign/missing.json'), 60)) as string);
    expect(missing.status).toBe(404);
  });

  it('refuses presign expiries S3 cannot honour', async () => {
    for (const seconds of [0, -1, 1.5, 7 * 24 * 3600 + 1]) {
      await expect(storage.presignGet(uri('presign/report.json'), seconds)).rejects.toBeInstanceOf(RangeError);
    }
  });

  it('refuses URIs outside its allowed buckets and non-s3 URIs', async () => {
    const otherBucket = await rejectionOf(storage.openRead('s3://some-other-bucket/x.csv'));
    expect((otherBucket as StorageUriError).reason).toBe('bucket_not_allowed');
    const traversal = await rejectionOf(storage.write(uri('a/../../b.csv'), 'x'));
    expect((traversal as StorageUriError).reason).toBe('path_traversal');
    expect(await rejectionOf(storage.head('relative/path.csv'))).toBeInstanceOf(StorageUriError);
    expect(commands).toEqual([]);
  });

  it('pings with HeadBucket, and fails permanently when the bucket is gone', async () => {
    await expect(storage.ping()).resolves.toBeUndefined();
    expect(commands).toEqual(['HeadBucketCommand']);
    await expect(new S3ObjectStorage({ client }).ping()).resolves.toBeUndefined();
    const missing = new S3ObjectStorage({ client, healthBucket: `${bucket}-missing` });
    expect(await rejectionOf(missing.ping())).toBeInstanceOf(StorageAccessError);
  });
});
