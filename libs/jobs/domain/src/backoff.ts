/**
 * Exponential backoff with "equal jitter": half the exponential delay is kept, half is random,
 * so gaps grow with each attempt while retries of many jobs do not line up.
 */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const half = exponential / 2;
  return Math.round(half + random() * half);
}
