import { isAbortError, ObjectNotFoundError, StorageAccessError, StorageError, StorageUnavailableError } from '../errors';

export type S3Operation = 'read' | 'head' | 'write' | 'delete' | 'presign' | 'ping';

/** Socket-level failures: the server is down, unreachable, or dropped us. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Error codes S3 and its look-alikes use for "slow down" or "try again". */
const RETRY_LATER_NAMES = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'BandwidthLimitExceeded',
  'ServiceUnavailable',
  'InternalError',
]);

const ACCESS_NAMES = new Set([
  'AccessDenied',
  'AllAccessDisabled',
  'AccountProblem',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'InvalidObjectState',
]);

const MISSING_OBJECT_NAMES = new Set(['NoSuchKey', 'NotFound']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  Code?: string;
  $fault?: 'client' | 'server';
  $retryable?: unknown;
  $metadata?: { httpStatusCode?: number };
}

/**
 * Maps an AWS SDK (or socket) error to a StorageError. Errors it cannot place (bugs,
 * aborts, errors already classified) pass through unchanged so their type survives.
 */
export function classifyS3Error(error: unknown, operation: S3Operation, uri: string): unknown {
  if (error instanceof StorageError || isAbortError(error) || typeof error !== 'object' || error === null) return error;
  const shape = error as Error & SdkErrorShape;
  const name = shape.Code ?? shape.name;
  const status = shape.$metadata?.httpStatusCode;
  const options = { cause: error, uri };
  const detail = `${name}${status ? ` (HTTP ${status})` : ''}: ${shape.message}`;

  if (name === 'NoSuchBucket' || ((operation === 'ping' || operation === 'write') && status === 404)) {
    return operation === 'read'
      ? new ObjectNotFoundError(`no object at ${JSON.stringify(uri)}: its bucket does not exist`, options)
      : new StorageAccessError(`S3 ${operation} of ${JSON.stringify(uri)} failed: the bucket does not exist`, options);
  }
  if (MISSING_OBJECT_NAMES.has(name) || status === 404) {
    return new ObjectNotFoundError(`no object at ${JSON.stringify(uri)}`, options);
  }
  const transient =
    NETWORK_CODES.has(shape.code ?? networkCodeInMessage(shape.message)) ||
    RETRY_LATER_NAMES.has(name) ||
    status === 429 ||
    (status !== undefined && status >= 500) ||
    shape.$fault === 'server' ||
    Boolean(shape.$retryable);
  if (transient) return new StorageUnavailableError(`S3 ${operation} of ${JSON.stringify(uri)} failed: ${detail}`, options);
  if (ACCESS_NAMES.has(name) || (status !== undefined && status >= 400)) {
    return new StorageAccessError(`S3 refused ${operation} of ${JSON.stringify(uri)}: ${detail}`, options);
  }
  return error;
}

/**
 * The SDK's retry layer re-wraps a socket error that is not `instanceof Error` in its own
 * realm (it happens under jest's VM) into a plain Error that keeps only the message.
 */
function networkCodeInMessage(message: unknown): string {
  if (typeof message !== 'string') return '';
  return [...NETWORK_CODES].find((code) => new RegExp(`\\b${code}\\b`).test(message)) ?? '';
}

export function classifyS3ErrorAsError(error: unknown, operation: S3Operation, uri: string): Error {
  const classified = classifyS3Error(error, operation, uri);
  return typeof classified === 'object' && classified !== null ? (classified as Error) : new Error(String(classified));
}
