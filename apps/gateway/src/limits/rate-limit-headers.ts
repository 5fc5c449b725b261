/** One window's state, as the IETF RateLimit headers describe it (draft-ietf-httpapi-ratelimit-headers). */
export interface PolicyState {
  /** Policy name: `requests`, `creates` or `unauthenticated`. */
  name: string;
  quota: number;
  windowSeconds: number;
  remaining: number;
  resetSeconds: number;
}

/** `RateLimit-Policy: "requests";q=3000;w=60` and `RateLimit: "requests";r=2999;t=60`, one item per policy. */
export function rateLimitHeaders(states: readonly PolicyState[]): Record<string, string> {
  if (!states.length) return {};
  return {
    'RateLimit-Policy': states.map((s) => `"${s.name}";q=${s.quota};w=${s.windowSeconds}`).join(', '),
    RateLimit: states.map((s) => `"${s.name}";r=${Math.max(0, s.remaining)};t=${Math.max(0, s.resetSeconds)}`).join(', '),
  };
}
