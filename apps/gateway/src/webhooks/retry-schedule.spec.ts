import { DEFAULT_RETRY_DELAYS_MS, isRetryableStatus, nextRetryDelay } from './retry-schedule';

describe('webhook retry schedule', () => {
  it('follows the contract: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then no more', () => {
    const middle = () => 0.5;
    const gaps = [1, 2, 3, 4, 5, 6, 7].map((attempts) => nextRetryDelay(attempts, DEFAULT_RETRY_DELAYS_MS, middle));
    expect(gaps).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(nextRetryDelay(8, DEFAULT_RETRY_DELAYS_MS, middle)).toBeNull();
  });

  it('jitters each gap by at most 10% either way', () => {
    expect(nextRetryDelay(1, DEFAULT_RETRY_DELAYS_MS, () => 0)).toBe(4_500);
    expect(nextRetryDelay(1, DEFAULT_RETRY_DELAYS_MS, () => 0.999_999)).toBe(5_500);
    expect(nextRetryDelay(2, DEFAULT_RETRY_DELAYS_MS, () => 0)).toBeGreaterThan(nextRetryDelay(1, DEFAULT_RETRY_DELAYS_MS, () => 0.999_999)!);
  });

  it('retries timeouts-as-statuses 408 and 429 and every 5xx, not other answers', () => {
    expect([408, 429, 500, 502, 503, 504, 599].every(isRetryableStatus)).toBe(true);
    expect([200, 301, 302, 400, 401, 403, 404, 410, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
