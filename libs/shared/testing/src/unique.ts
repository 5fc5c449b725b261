import { randomBytes } from 'node:crypto';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
export const TEST_S3_ENDPOINT = process.env.TEST_S3_ENDPOINT ?? `http://127.0.0.1:${process.env.TEST_S3_PORT ?? 4568}`;

/** A BullMQ key prefix of its own, so parallel test files never share queues. */
export function uniqueQueuePrefix(label = 'test'): string {
  return `vhtest-${label}-${randomBytes(4).toString('hex')}`;
}

/** A DNS-safe bucket name of its own for one test file. */
export function uniqueBucketName(label = 'test'): string {
  return `vh-${label.toLowerCase().replace(/[^a-z0-9-]/g, '-')}-${randomBytes(4).toString('hex')}`.slice(0, 63);
}
