// Per-test-file buckets on the test S3 server (not exported from the package).
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { StorageConfig } from '@validahub/config';
import { TEST_S3_ENDPOINT } from '@validahub/testing';

export const TEST_S3_CONFIG: StorageConfig['s3'] = {
  endpoint: TEST_S3_ENDPOINT,
  region: 'us-east-1',
  forcePathStyle: true,
  accessKeyId: 'S3RVER',
  secretAccessKey: 'S3RVER',
  allowedBuckets: [],
};

export async function createBucket(client: S3Client, name: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: name }));
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const item of page.Contents ?? []) if (item.Key) keys.push(item.Key);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** Empties and removes a bucket; one delete at a time, as s3rver's batch delete races on shared folders. */
export async function dropBucket(client: S3Client, name: string): Promise<void> {
  for (const key of await listKeys(client, name)) await client.send(new DeleteObjectCommand({ Bucket: name, Key: key }));
  await client.send(new DeleteBucketCommand({ Bucket: name }));
}
