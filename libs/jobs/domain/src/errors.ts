/** Stable error codes stored on a failed job (`error.code`). */
export const JOB_ERROR_CODES = {
  inputNotFound: 'input_not_found',
  unreadableCsv: 'unreadable_csv',
  invalidParams: 'invalid_params',
  timeLimit: 'time_limit_exceeded',
  /** The attempt's sandbox ran out of memory, or its output passed its cap. */
  resourceLimit: 'resource_limit_exceeded',
  storageUnavailable: 'storage_unavailable',
  storageAccess: 'storage_access_denied',
  handlerError: 'handler_error',
  unknownTask: 'unknown_task',
  workerLost: 'worker_lost',
} as const;
export type JobErrorCode = (typeof JOB_ERROR_CODES)[keyof typeof JOB_ERROR_CODES] | string;

export interface JobError {
  code: JobErrorCode;
  message: string;
  retryable: boolean;
}

/** Thrown by handlers for failures that another attempt cannot fix (bad input, missing file). */
export class PermanentJobError extends Error {
  readonly retryable = false;
  constructor(
    readonly code: JobErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/** Thrown by handlers for failures worth retrying (I/O, timeouts, a dependency's 5xx). */
export class TransientJobError extends Error {
  readonly retryable = true;
  constructor(
    readonly code: JobErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'TransientJobError';
  }
}

export function toJobError(error: unknown, fallbackCode: JobErrorCode = JOB_ERROR_CODES.handlerError): JobError {
  if (error instanceof PermanentJobError || error instanceof TransientJobError) {
    return { code: error.code, message: error.message, retryable: error.retryable };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: fallbackCode, message: message || 'unknown error', retryable: false };
}
