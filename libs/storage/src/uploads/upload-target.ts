import { randomUUID } from 'node:crypto';
import type { StorageConfig } from '@validahub/config';
import { assertObjectName, trimPrefix } from '../results';

/**
 * Where client uploads go: an `uploads/` prefix beside the results. With RESULTS_URI in S3
 * that is `s3://<results bucket>/uploads`; otherwise `uploads` under the local root.
 */
export function uploadsPrefix(config: Pick<StorageConfig, 'resultsUri'>): string {
  return prefixBesideResults(config.resultsUri, 'uploads');
}

/** A top-level folder beside the results: `s3://<results bucket>/<folder>` or `<folder>` under the local root. */
export function prefixBesideResults(resultsUri: string, folder: string): string {
  const bucket = /^s3:\/\/([^/]+)/i.exec(resultsUri)?.[1];
  return bucket ? `s3://${bucket}/${folder}` : folder;
}

/** `<prefix>/<yyyy>/<mm>/<uuid>.csv`, dated in UTC so every process agrees on the month. */
export function uploadTargetUri(prefix: string, options: { now?: Date; id?: string } = {}): string {
  const now = options.now ?? new Date();
  const id = options.id ?? randomUUID();
  assertObjectName(id, 'upload id');
  const year = String(now.getUTCFullYear()).padStart(4, '0');
  const month = String(now.getUTCMonth() + 1).padStart(2, '0');
  return `${trimPrefix(prefix)}/${year}/${month}/${id}.csv`;
}

export function pickUploadTarget(config: Pick<StorageConfig, 'resultsUri'>, options: { now?: Date; id?: string } = {}): string {
  return uploadTargetUri(uploadsPrefix(config), options);
}
