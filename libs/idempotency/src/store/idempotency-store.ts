// The storage port: everything the Nest layer needs from a place that keeps idempotency keys.
// The Postgres adapter is the one that ships; the port keeps the HTTP logic independent of it.
import type { TransactionExecutor } from './transaction-executor';

export interface IdempotencyKeyId {
  tenantId: string;
  /** Method and route pattern, e.g. `POST /api/v1/jobs`. */
  scope: string;
  key: string;
}

export interface ClaimRequest extends IdempotencyKeyId {
  fingerprint: string;
  /** How long the in-flight claim is protected before another request may take it over. */
  lockTimeoutMs: number;
  /** How long a completed response is kept, counted from completion. */
  retentionSeconds: number;
}

/** Proof of ownership of an in-flight key; only its holder can complete or release it. */
export interface IdempotencyClaim extends IdempotencyKeyId {
  token: string;
  fingerprint: string;
  retentionSeconds: number;
}

export interface StoredResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** A JSON value; undefined when the response had no body. */
  body?: unknown;
}

export type ClaimOutcome =
  | { kind: 'claimed'; claim: IdempotencyClaim }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight'; lockRemainingSeconds: number };

export interface IdempotencyStore {
  /** Atomically takes the key (new, expired, or a stale claim with the same fingerprint) or says why not. */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  /** Stores the response in its own write. False when the claim is no longer ours (taken over). */
  complete(claim: IdempotencyClaim, response: StoredResponse): Promise<boolean>;
  /**
   * Stores the response through the caller's open transaction, so it commits or rolls back
   * with the caller's own writes. Throws IdempotencyClaimLostError when the claim is no longer ours.
   */
  completeWithin(executor: TransactionExecutor, claim: IdempotencyClaim, response: StoredResponse): Promise<void>;
  /** Drops our in-flight claim so the client may retry; a completed key is left alone. */
  release(claim: IdempotencyClaim): Promise<boolean>;
  /** Deletes keys past their retention (and abandoned claims past both retention and lock). */
  purgeExpired(): Promise<number>;
}

/** The claim was taken over by another request (its lock had expired); nothing may be recorded. */
export class IdempotencyClaimLostError extends Error {
  constructor(readonly keyId: IdempotencyKeyId) {
    super(`idempotency key "${keyId.key}" (${keyId.scope}) was taken over by another request; this execution must roll back`);
    this.name = 'IdempotencyClaimLostError';
  }
}

/** Misuse of the library by route code (e.g. recording a status that is never replayed). */
export class IdempotencyUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IdempotencyUsageError';
  }
}
