import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError, type StorageConfig } from '@validahub/config';
import { resolve } from 'node:path';
import { CompositeStorage } from './composite-storage';
import { StorageUriError } from './errors';
import { LocalDiskStorage } from './local/local-disk-storage';
import { resultLocation } from './results';
import { createS3Client, type S3ClientTuning } from './s3/s3-client';
import { S3ObjectStorage } from './s3/s3-object-storage';
import { isValidBucketName } from './uri/bucket-name';
import { parseStorageUri } from './uri/parse-storage-uri';
import type { StorageUriPolicy } from './uri/storage-location';

export interface CreateStorageOptions {
  /** Timeouts and retries of the S3 client (see S3ClientTuning for defaults). */
  s3Tuning?: S3ClientTuning;
  /** Use this client instead of building one from the config (tests, custom middleware). */
  s3Client?: S3Client;
  partSizeBytes?: number;
  uploadQueueSize?: number;
  pingTimeoutMs?: number;
}

/**
 * Builds the storage the apps use from StorageConfig. S3 is switched on when anything
 * S3-specific is configured (an endpoint, access keys, an allow-list, or an s3:// RESULTS_URI);
 * otherwise s3:// URIs are refused as `s3_not_configured`. Throws ConfigError for settings
 * that cannot work (an invalid bucket name, a RESULTS_URI outside the storage root...).
 */
export function createStorageFromConfig(config: StorageConfig, options: CreateStorageOptions = {}): CompositeStorage {
  const policy = storageUriPolicy(config);
  assertUsableResultsUri(config, policy);
  const local = new LocalDiskStorage(policy.localRoot as string);
  const s3 = policy.allowS3
    ? new S3ObjectStorage({
        client: options.s3Client ?? createS3Client(config.s3, options.s3Tuning),
        allowedBuckets: policy.allowedBuckets,
        healthBucket: resultsBucket(config),
        partSizeBytes: options.partSizeBytes,
        uploadQueueSize: options.uploadQueueSize,
        pingTimeoutMs: options.pingTimeoutMs,
      })
    : undefined;
  return new CompositeStorage(local, s3, policy.allowedBuckets);
}

/** Alias of createStorageFromConfig. */
export const createStorage = createStorageFromConfig;

/**
 * The URI policy implied by the config, for validating input URIs without a storage
 * instance: the buckets of S3_ALLOWED_BUCKETS plus the results bucket (uploads live there
 * too). An empty S3_ALLOWED_BUCKETS allows no other bucket.
 */
export function storageUriPolicy(config: StorageConfig): Required<StorageUriPolicy> {
  const bad = config.s3.allowedBuckets.filter((bucket) => !isValidBucketName(bucket));
  if (bad.length > 0) throw new ConfigError(bad.map((bucket) => `S3_ALLOWED_BUCKETS has an invalid bucket name ${JSON.stringify(bucket)}`));
  const results = resultsBucket(config);
  const listed = config.s3.allowedBuckets;
  const allowedBuckets = results && !listed.includes(results) ? [...listed, results] : [...listed];
  const s3 = config.s3;
  const allowS3 = Boolean(s3.endpoint || s3.accessKeyId || s3.secretAccessKey || listed.length > 0 || results);
  return { localRoot: resolve(config.localRoot), allowedBuckets, allowS3 };
}

function resultsBucket(config: StorageConfig): string | undefined {
  return /^s3:\/\/([^/]+)/i.exec(config.resultsUri)?.[1];
}

function assertUsableResultsUri(config: StorageConfig, policy: StorageUriPolicy): void {
  try {
    parseStorageUri(resultLocation(config.resultsUri, { jobId: 'probe', attempt: 1, runId: 'probe' }, 'report'), policy);
  } catch (error) {
    if (!(error instanceof StorageUriError)) throw error;
    throw new ConfigError([`RESULTS_URI ${JSON.stringify(config.resultsUri)} is not usable: ${error.message}`]);
  }
}
