import { StorageUriError } from './errors';

export type ResultExtension = 'json' | 'csv';

const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Where a job's result goes: `<RESULTS_URI>/<job id>.<ext>`, e.g. `s3://bucket/results/<id>.json`
 * or `results/<id>.csv` (relative to the local root). Only builds the URI; every storage
 * call checks it again.
 */
export function resultLocation(resultsUri: string, jobId: string, ext: ResultExtension): string {
  assertObjectName(jobId, 'job id');
  if (ext !== 'json' && ext !== 'csv') {
    throw new StorageUriError('invalid_object_name', `result extension must be "json" or "csv", got ${JSON.stringify(ext)}`);
  }
  return `${trimPrefix(resultsUri)}/${jobId}.${ext}`;
}

export function assertObjectName(name: string, what: string): void {
  if (typeof name !== 'string' || !OBJECT_NAME.test(name)) {
    throw new StorageUriError('invalid_object_name', `${what} ${JSON.stringify(name)} is not a safe object name (letters, digits, - and _)`);
  }
}

/** A prefix URI without trailing slashes; refuses an empty one. */
export function trimPrefix(prefix: string): string {
  const trimmed = typeof prefix === 'string' ? prefix.replace(/\/+$/, '') : '';
  if (trimmed === '' || /^[a-z0-9+.-]+:\/?$/i.test(trimmed)) {
    throw new StorageUriError('empty', `storage prefix ${JSON.stringify(prefix)} is empty`);
  }
  return trimmed;
}
