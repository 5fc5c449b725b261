// Outbound failures sorted by what a caller should do next: `retryable` is true only where
// another attempt may succeed (timeouts, network trouble). The original error stays as `cause`.

export abstract class OutboundError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  /** The URL of the hop that failed. */
  readonly url?: string;

  constructor(message: string, options: { cause?: unknown; url?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.url = options.url;
  }
}

export type TargetRefusedReason = 'invalid_url' | 'scheme_not_allowed' | 'credentials_in_url' | 'non_public_address' | 'invalid_redirect';

/** The target is not a safe one: bad URL, not https, or it resolves to a non-public address. Never retryable. */
export class TargetRefusedError extends OutboundError {
  readonly code = 'target_refused';
  readonly retryable = false;
  /** The refused IP address, for `non_public_address`. */
  readonly address?: string;

  constructor(
    readonly reason: TargetRefusedReason,
    message: string,
    options: { cause?: unknown; url?: string; address?: string } = {},
  ) {
    super(message, options);
    this.address = options.address;
  }
}

/** More redirects than the caller allowed. Never retryable: the same chain comes back next time. */
export class TooManyRedirectsError extends OutboundError {
  readonly code = 'too_many_redirects';
  readonly retryable = false;

  constructor(
    readonly limit: number,
    options: { url?: string } = {},
  ) {
    super(`more than ${limit} redirect(s)`, options);
  }
}

export type TimeoutPhase = 'connect' | 'idle' | 'total';

/** Connecting took too long, the peer went quiet for too long, or the whole exchange ran out of time. */
export class OutboundTimeoutError extends OutboundError {
  readonly code = 'timeout';
  readonly retryable = true;

  constructor(
    readonly phase: TimeoutPhase,
    readonly limitMs: number,
    options: { cause?: unknown; url?: string } = {},
  ) {
    super(timeoutMessage(phase, limitMs), options);
  }
}

/** Refused or reset connections, DNS failures, TLS failures, a response cut off midway. */
export class OutboundNetworkError extends OutboundError {
  readonly code = 'network_error';
  readonly retryable = true;
}

function timeoutMessage(phase: TimeoutPhase, limitMs: number): string {
  if (phase === 'connect') return `could not connect within ${limitMs} ms`;
  if (phase === 'idle') return `no data from the server for ${limitMs} ms`;
  return `the exchange took longer than ${limitMs} ms`;
}
