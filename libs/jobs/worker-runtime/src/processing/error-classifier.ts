import { JobError, JOB_ERROR_CODES, PermanentJobError, TransientJobError, toJobError } from '@validahub/jobs-domain';

/** Node system error codes of a network or I/O hiccup: another attempt may well succeed. */
export const TRANSIENT_SYSTEM_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);

export const IO_ERROR_CODE = 'io_error';

/**
 * Decides retry or give up for whatever a handler threw:
 * - PermanentJobError / TransientJobError: as declared;
 * - any error carrying `code: string` and `retryable: boolean` (storage errors do): as declared;
 * - a Node system error with a network/IO code: transient (`io_error`);
 * - anything else is a bug or an unexpected state, which retrying does not heal: permanent `handler_error`.
 */
export function classifyError(error: unknown): JobError {
  if (error instanceof PermanentJobError || error instanceof TransientJobError) return toJobError(error);
  if (isSelfClassified(error)) return { code: error.code, message: error.message || error.code, retryable: error.retryable };
  const systemCode = systemErrorCode(error);
  if (systemCode && TRANSIENT_SYSTEM_CODES.has(systemCode)) {
    return { code: IO_ERROR_CODE, message: `${systemCode}: ${(error as Error).message}`, retryable: true };
  }
  return toJobError(error, JOB_ERROR_CODES.handlerError);
}

function isSelfClassified(error: unknown): error is Error & { code: string; retryable: boolean } {
  if (!(error instanceof Error)) return false;
  const e = error as Error & { code?: unknown; retryable?: unknown };
  return typeof e.code === 'string' && e.code.length > 0 && typeof e.retryable === 'boolean';
}

function systemErrorCode(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  // fetch/undici and AWS SDK wrap the socket error as `cause`.
  return error.cause instanceof Error ? systemErrorCode(error.cause) : undefined;
}
