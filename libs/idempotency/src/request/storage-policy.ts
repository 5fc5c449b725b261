// Which finished responses are kept for replay. A replay must answer what the first request
// decided; it must not freeze an answer that a retry could legitimately change.

/**
 * Not stored, so the claim is released and the client may retry with the same key:
 * - 400: usually request validation (pipes run after the claim); a corrected retry must work;
 * - 401 / 403: credentials or permissions may be fixed;
 * - 408 / 409 / 425 / 429: timing, concurrency or rate limits, transient by definition;
 * - every 5xx: the server failed, nothing deliberate happened.
 * Stored: 1xx-3xx and every other 4xx (404, 410, 422, ...), which are deliberate answers.
 */
const RETRYABLE_CLIENT_ERRORS = new Set([400, 401, 403, 408, 409, 425, 429]);

export type StoragePolicy = (status: number) => boolean;

export const defaultStoragePolicy: StoragePolicy = (status) => {
  if (!Number.isInteger(status) || status < 100 || status >= 500) return false;
  return !RETRYABLE_CLIENT_ERRORS.has(status);
};

/** Response headers worth replaying by default; others (Date, Set-Cookie, X-Correlation-Id, ...) are not. */
export const DEFAULT_REPLAYED_HEADERS: readonly string[] = ['location', 'content-type', 'content-location', 'link', 'etag', 'last-modified'];

/** Lower-cased, string-valued copy of the allowed headers. */
export function pickReplayedHeaders(headers: Record<string, unknown>, allowed: readonly string[]): Record<string, string> {
  const allow = new Set(allowed.map((name) => name.toLowerCase()));
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!allow.has(lower) || value === undefined || value === null) continue;
    picked[lower] = Array.isArray(value) ? value.map(String).join(', ') : String(value);
  }
  return picked;
}
