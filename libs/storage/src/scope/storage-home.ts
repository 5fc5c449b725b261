import type { StorageConfig } from '@validahub/config';
import { trimPrefix } from '../results';
import { parseStorageUri } from '../uri/parse-storage-uri';

/**
 * Where tenants' prefixes and the shared samples live: the root of the results bucket when
 * RESULTS_URI is in S3, otherwise the local storage root.
 */
export type StorageHome = { kind: 'local' } | { kind: 's3'; bucket: string };

export function storageHome(config: Pick<StorageConfig, 'resultsUri'>): StorageHome {
  const bucket = /^s3:\/\/([^/]+)/i.exec(config.resultsUri)?.[1];
  return bucket ? { kind: 's3', bucket } : { kind: 'local' };
}

/**
 * RESULTS_URI relative to the storage home: where a tenant's results go inside its prefix.
 * `results/` and `s3://bucket/results/` both give `results`; a RESULTS_URI at the home itself
 * gives `results` too, so a tenant's results never mix with its uploads.
 */
export function resultsPathInHome(config: Pick<StorageConfig, 'resultsUri' | 'localRoot'>): string {
  const inBucket = /^s3:\/\/[^/]+\/?(.*)$/i.exec(config.resultsUri);
  if (inBucket) return inBucket[1].replace(/\/+$/, '') || 'results';
  // Local: the same resolution storage itself applies (file://, ./, absolute inside the root).
  const probe = parseStorageUri(`${trimPrefix(config.resultsUri)}/probe`, { localRoot: config.localRoot, allowS3: false });
  return probe.kind === 'local' ? probe.relativePath.replace(/\/?probe$/, '') || 'results' : 'results';
}
