/** The contract's gaps after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h; then `failed`. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** An endpoint whose deliveries have failed without a success for this long is disabled. */
export const DISABLE_AFTER_FAILING_MS = 5 * 24 * 3_600_000;

/** Each gap is moved by up to this fraction either way, so endpoints recovering together are not hit at once. */
const JITTER = 0.1;

/**
 * The wait before the next attempt after `attempts` attempts failed, or null when none is left.
 * `random` is in [0, 1); injected so tests can pin it.
 */
export function nextRetryDelay(attempts: number, delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS, random = Math.random): number | null {
  const base = delays[attempts - 1];
  if (base === undefined) return null;
  return Math.round(base * (1 - JITTER + 2 * JITTER * random()));
}

/** Whether an HTTP status is worth retrying (timeouts and network errors always are). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
