// Storage failures sorted by what a worker should do next: retry (transient) or give up
// (permanent). Codes match the job error codes in jobs-domain so a handler can copy them
// straight onto a failed job; the original error is always kept as `cause`.

export interface StorageErrorOptions {
  cause?: unknown;
  /** The URI as the caller gave it (never an absolute path of the host). */
  uri?: string;
}

export abstract class StorageError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly uri?: string;

  constructor(message: string, options: StorageErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.uri = options.uri;
  }
}

/** Nothing stored at the URI (or its bucket does not exist). Permanent. */
export class ObjectNotFoundError extends StorageError {
  readonly code = 'input_not_found';
  readonly retryable = false;
}

/** The backend could not be reached or is overloaded: refused/reset connections, timeouts, 5xx, throttling. */
export class StorageUnavailableError extends StorageError {
  readonly code = 'storage_unavailable';
  readonly retryable = true;
}

/** The backend refused the request (403, bad credentials, missing bucket on write, not a file...). Permanent. */
export class StorageAccessError extends StorageError {
  readonly code = 'storage_access_denied';
  readonly retryable = false;
}

export type StorageUriErrorReason =
  | 'empty'
  | 'too_long'
  | 'surrounding_whitespace'
  | 'nul_byte'
  | 'control_character'
  | 'backslash'
  | 'encoded_path_character'
  | 'invalid_percent_encoding'
  | 'confusable_character'
  | 'unsupported_scheme'
  | 'invalid_file_uri'
  | 'path_traversal'
  | 'outside_root'
  | 'symlink_escape'
  | 'unresolvable_symlink'
  | 'local_not_configured'
  | 's3_not_configured'
  | 'invalid_bucket'
  | 'bucket_not_allowed'
  | 'empty_key'
  | 'invalid_key'
  | 'wrong_backend'
  | 'invalid_object_name'
  | 'outside_tenant'
  | 'absolute_path'
  | 'read_only';

/** The URI itself is unacceptable: malformed, or it would reach outside what storage may touch. Permanent. */
export class StorageUriError extends StorageError {
  readonly code = 'invalid_storage_uri';
  readonly retryable = false;

  constructor(
    readonly reason: StorageUriErrorReason,
    message: string,
    options: StorageErrorOptions = {},
  ) {
    super(message, options);
  }
}

/** An upload went past its byte limit; nothing of it is kept. Permanent (HTTP 413). */
export class UploadTooLargeError extends StorageError {
  readonly code = 'upload_too_large';
  readonly retryable = false;

  constructor(
    readonly limitBytes: number,
    options: StorageErrorOptions = {},
  ) {
    super(`upload exceeds the limit of ${limitBytes} bytes`, options);
  }
}

/** True only for storage errors another attempt may fix. Anything else (including non-storage errors) is false. */
export function isTransientStorageError(error: unknown): boolean {
  return error instanceof StorageError && error.retryable;
}

/** Duck-typed: errors from Node internals may come from another realm (a test VM), where instanceof fails. */
export function isAbortError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'AbortError';
}

/**
 * What a storage failure may tell a client: the URI as the client named it and what kind of
 * failure it was, never the backend's own text (S3 messages can carry bucket policies, account
 * ids and ARNs). The full error stays in the server's logs.
 */
export function clientStorageMessage(error: StorageError, uri: string): string {
  if (error instanceof StorageUriError || error instanceof UploadTooLargeError) return error.message;
  if (error instanceof ObjectNotFoundError) return `no object at ${JSON.stringify(uri)}`;
  if (error instanceof StorageUnavailableError) return `storage unavailable while working on ${JSON.stringify(uri)}`;
  return `storage refused access while working on ${JSON.stringify(uri)}`;
}
