import type { OpenAPIObject } from '@nestjs/swagger';

/** The IETF RateLimit headers (draft-ietf-httpapi-ratelimit-headers) as the limits feature sends them. */
export const RATE_LIMIT_HEADERS = {
  'RateLimit-Policy': {
    description:
      'The limits this request drew on, one item each: `"requests";q=3000;w=60` (name, quota, window in seconds). ' +
      'Policies: `requests` (every tenant request), `creates` (job creates; a batch counts each job), `unauthenticated` ' +
      '(requests without a valid key, per client address). Absent when limits are off or in AUTH_MODE=open.',
    schema: { type: 'string', example: '"requests";q=3000;w=60, "creates";q=300;w=60' },
  },
  RateLimit: {
    description: 'What is left of each policy in `RateLimit-Policy`: `"requests";r=2999;t=42` (remaining, seconds until the window resets).',
    schema: { type: 'string', example: '"requests";r=2999;t=42, "creates";r=299;t=42' },
  },
} as const;

const RETRY_AFTER_429 = {
  description: 'Seconds until the window frees a unit (problem `rate-limited`); absent on `quota-exceeded`, which frees up as jobs finish.',
  schema: { type: 'integer', minimum: 1 },
};

type Operation = { responses?: Record<string, { headers?: Record<string, unknown> }> };

/**
 * Rate-limited routes (those that document a 429) carry the RateLimit headers on every answer,
 * whatever its status, so each of their responses documents them (as shared components); the
 * 429 also documents its Retry-After. Decorators cannot say "every response", hence this pass.
 */
export function documentRateLimitHeaders(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  const headers = (components.headers ??= {});
  Object.assign(headers, RATE_LIMIT_HEADERS);
  const refs = Object.fromEntries(Object.keys(RATE_LIMIT_HEADERS).map((name) => [name, { $ref: `#/components/headers/${name}` }]));
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item as Record<string, Operation>)) {
      const responses = operation.responses;
      if (!responses?.['429']) continue;
      for (const [status, response] of Object.entries(responses)) {
        response.headers = { ...response.headers, ...refs, ...(status === '429' ? { 'Retry-After': RETRY_AFTER_429 } : {}) };
      }
    }
  }
  return document;
}
