import { JOB_ERROR_CODES, PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { OutboundNetworkError, OutboundTimeoutError, TargetRefusedError, TooManyRedirectsError } from '@validahub/outbound-http';
import { isTransientStorageError, ObjectNotFoundError, StorageError, UploadTooLargeError } from '@validahub/storage';

/** Stable codes a failed sync stores as `error.code`. */
export const SYNC_ERROR_CODES = {
  /** The source answered 4xx (or another status a retry will not change). */
  sourceRejected: 'source_rejected',
  /** 5xx, a refused or cut connection, a DNS failure: retried. */
  sourceUnavailable: 'source_unavailable',
  /** Not https, or an address that is not public (the SSRF rule), first request or redirect. */
  sourceRefused: 'source_refused',
  sourceRedirects: 'source_too_many_redirects',
  sourceTooLarge: 'source_too_large',
  sourceIdle: 'source_idle_timeout',
} as const;

/**
 * Sorts what a sync can fail with into the job error classes, by what another attempt could
 * change. An abort passes through untouched: the runtime knows why it aborted.
 */
export function toSyncJobError(error: unknown, signal: AbortSignal): unknown {
  if (error instanceof PermanentJobError || error instanceof TransientJobError) return error;
  if (signal.aborted) return error;
  const options = { cause: error };
  if (error instanceof UploadTooLargeError) {
    return new PermanentJobError(SYNC_ERROR_CODES.sourceTooLarge, tooLargeMessage(error.limitBytes), options);
  }
  if (error instanceof TargetRefusedError) return new PermanentJobError(SYNC_ERROR_CODES.sourceRefused, `source refused: ${error.message}`, options);
  if (error instanceof TooManyRedirectsError) {
    return new PermanentJobError(SYNC_ERROR_CODES.sourceRedirects, `the source redirected ${error.message}`, options);
  }
  if (error instanceof OutboundTimeoutError && error.phase === 'idle') {
    return new PermanentJobError(SYNC_ERROR_CODES.sourceIdle, `the source sent nothing for ${error.limitMs / 1000} s`, options);
  }
  if (error instanceof OutboundTimeoutError || error instanceof OutboundNetworkError) {
    return new TransientJobError(SYNC_ERROR_CODES.sourceUnavailable, `source unavailable: ${error.message}`, options);
  }
  if (error instanceof ObjectNotFoundError) return new PermanentJobError(JOB_ERROR_CODES.inputNotFound, error.message, options);
  if (isTransientStorageError(error))
    return new TransientJobError(JOB_ERROR_CODES.storageUnavailable, `storage unavailable: ${(error as Error).message}`, options);
  if (error instanceof StorageError) return new PermanentJobError(error.code, error.message, options);
  return error;
}

export function tooLargeMessage(limitBytes: number): string {
  return `the source is larger than max_bytes (${limitBytes} bytes)`;
}
