import type { StoragePolicy } from '../request/storage-policy';
import { IdempotencyClaim, IdempotencyStore, IdempotencyUsageError, StoredResponse } from '../store/idempotency-store';
import type { TransactionExecutor } from '../store/transaction-executor';

const CONTEXT = Symbol('validahub.idempotency-context');

/**
 * What a route handler sees of idempotency for the current request (via @IdempotencyCtx()).
 * Without a key (`active` false) completeWithin() writes nothing, so handlers need no branch.
 */
export class IdempotencyContext {
  private recordedResponse?: StoredResponse;
  private settledFlag = false;

  constructor(
    /** The validated key, when the client sent one. */
    readonly key: string | undefined,
    readonly claim: IdempotencyClaim | undefined,
    private readonly store: IdempotencyStore,
    private readonly storagePolicy: StoragePolicy,
  ) {}

  /** True when this request holds a claimed key (a response will be stored for replay). */
  get active(): boolean {
    return this.claim !== undefined;
  }

  get tenantId(): string | undefined {
    return this.claim?.tenantId;
  }

  /**
   * Records the response in the caller's open transaction, so the key completes if and only if
   * the caller's own writes commit. The recorded status, headers and body are what the client
   * receives now and on every replay (the handler's return value is then not used).
   * Throws IdempotencyClaimLostError when another request took the key over (roll back then).
   */
  async completeWithin(executor: TransactionExecutor, status: number, body: unknown, headers: Record<string, string> = {}): Promise<void> {
    if (this.recordedResponse) throw new IdempotencyUsageError('completeWithin was already called for this request');
    if (!this.storagePolicy(status)) {
      throw new IdempotencyUsageError(`status ${status} is not a replayable response; only record what should be replayed`);
    }
    const response: StoredResponse = { status, headers: lowerCaseNames(headers) };
    if (body !== undefined) response.body = JSON.parse(JSON.stringify(body));
    if (this.claim) await this.store.completeWithin(executor, this.claim, response);
    this.recordedResponse = response;
  }

  /** The response given to completeWithin, if it was called. */
  get recorded(): StoredResponse | undefined {
    return this.recordedResponse;
  }

  /** Marks the claim as dealt with; true only the first time. */
  markSettled(): boolean {
    if (this.settledFlag) return false;
    this.settledFlag = true;
    return true;
  }
}

export function attachIdempotencyContext(request: object, context: IdempotencyContext): void {
  (request as Record<symbol, unknown>)[CONTEXT] = context;
}

/** The context the interceptor attached to this request, if the route is @Idempotent(). */
export function getIdempotencyContext(request: object): IdempotencyContext | undefined {
  const value = (request as Record<symbol, unknown>)[CONTEXT];
  return value instanceof IdempotencyContext ? value : undefined;
}

function lowerCaseNames(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), String(value)]));
}
