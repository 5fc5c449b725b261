export const IDEMPOTENCY_MODULE_OPTIONS = Symbol('IDEMPOTENCY_MODULE_OPTIONS');
/** Injection token of the ResolvedIdempotencyOptions. */
export const IDEMPOTENCY_OPTIONS = Symbol('IDEMPOTENCY_OPTIONS');
/** Injection token of the IdempotencyStore (e.g. to call purgeExpired()). */
export const IDEMPOTENCY_STORE = Symbol('IDEMPOTENCY_STORE');
export const IDEMPOTENT_ROUTE = 'validahub:idempotent-route';

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
