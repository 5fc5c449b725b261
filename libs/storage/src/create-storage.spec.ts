import { ConfigError, type StorageConfig } from '@validahub/config';
import { resolve } from 'node:path';
import { createStorageFromConfig, storageUriPolicy } from './create-storage';

function config(overrides: Partial<StorageConfig> = {}, s3: Partial<StorageConfig['s3']> = {}): StorageConfig {
  return {
    localRoot: '.data/storage',
    resultsUri: 'results/',
    maxUploadBytes: 1024,
    presignResults: false,
    ...overrides,
    s3: { region: 'us-east-1', forcePathStyle: false, allowedBuckets: [], ...s3 },
  };
}

describe('storageUriPolicy', () => {
  it('resolves the local root and keeps S3 off when nothing S3-specific is configured', () => {
    expect(storageUriPolicy(config())).toEqual({ localRoot: resolve('.data/storage'), allowedBuckets: [], allowS3: false });
  });

  it.each([
    ['an endpoint', config({}, { endpoint: 'http://127.0.0.1:9000' })],
    ['access keys', config({}, { accessKeyId: 'a', secretAccessKey: 'b' })],
    ['an allow-list', config({}, { allowedBuckets: ['inputs'] })],
    ['s3:// results', config({ resultsUri: 's3://results-bucket/results/' })],
  ])('turns S3 on with %s', (_what, value) => {
    expect(storageUriPolicy(value).allowS3).toBe(true);
  });

  it('always allows the results bucket, and no other bucket unless S3_ALLOWED_BUCKETS lists it', () => {
    const policy = storageUriPolicy(config({ resultsUri: 's3://results-bucket/r' }, { allowedBuckets: ['inputs'] }));
    expect(policy.allowedBuckets).toEqual(['inputs', 'results-bucket']);
    expect(storageUriPolicy(config({ resultsUri: 's3://results-bucket/r' })).allowedBuckets).toEqual(['results-bucket']);
    expect(storageUriPolicy(config({}, { endpoint: 'http://127.0.0.1:9000' })).allowedBuckets).toEqual([]);
  });

  it('names every invalid allow-listed bucket', () => {
    expect(() => storageUriPolicy(config({}, { allowedBuckets: ['ok-bucket', 'Bad_Bucket', 'x'] }))).toThrow(
      /S3_ALLOWED_BUCKETS has an invalid bucket name "Bad_Bucket"[\s\S]*"x"/,
    );
  });
});

describe('createStorageFromConfig refusing settings that cannot work', () => {
  it.each([
    ['a RESULTS_URI outside the storage root', config({ resultsUri: 'file:///etc/validahub-results' }), /RESULTS_URI/],
    ['a RESULTS_URI with ..', config({ resultsUri: '../results' }), /RESULTS_URI/],
    ['an invalid results bucket', config({ resultsUri: 's3://Results_Bucket/r' }), /RESULTS_URI/],
    ['an unsupported RESULTS_URI scheme', config({ resultsUri: 'https://example.com/r' }), /RESULTS_URI/],
    ['half a key pair', config({}, { accessKeyId: 'only-the-id' }), /S3_SECRET_ACCESS_KEY is required/],
  ])('%s', (_what, value, message) => {
    expect(() => createStorageFromConfig(value)).toThrow(ConfigError);
    expect(() => createStorageFromConfig(value)).toThrow(message);
  });
});
