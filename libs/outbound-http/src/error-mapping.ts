import { OutboundError, OutboundNetworkError, OutboundTimeoutError } from './errors';

export interface ErrorContext {
  url: string;
  idleTimeoutMs: number;
  connectTimeoutMs: number;
  /** The caller's own signal: its abort is the caller's business and passes through unchanged. */
  callerSignal?: AbortSignal;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

/**
 * Turns what undici and the socket layer throw into the OutboundError classes. Errors already
 * sorted (a refused address, a total timeout) and the caller's own abort pass through; so does
 * anything unknown (a bug should surface as itself).
 */
export function toOutboundError(error: unknown, context: ErrorContext): unknown {
  if (error instanceof OutboundError) return error;
  if (context.callerSignal?.aborted && error === context.callerSignal.reason) return error;
  const found = findSorted(error);
  if (found) return found;
  const code = errorCode(error);
  const options = { cause: error, url: context.url };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return new OutboundTimeoutError('idle', context.idleTimeoutMs, options);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return new OutboundTimeoutError('connect', context.connectTimeoutMs, options);
  if (code && (NETWORK_CODES.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || isCertificateCode(code))) {
    return new OutboundNetworkError(`${context.url}: ${(error as Error).message || code}`, options);
  }
  return error;
}

/** An OutboundError undici wrapped (it keeps the connector's error as `cause` in some paths). */
function findSorted(error: unknown): OutboundError | null {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundError) return e;
  }
  return null;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

// OpenSSL's certificate verification codes (DEPTH_ZERO_SELF_SIGNED_CERT, CERT_HAS_EXPIRED...).
function isCertificateCode(code: string): boolean {
  return /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code);
}
