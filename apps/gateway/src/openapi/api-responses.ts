import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from '../http/problem';
import { ProblemView } from './problem.view';

/** The statuses a route may answer with a problem body; each documented with one meaning. */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503;

const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer' } } } as const;

const MEANINGS: Record<
  ProblemStatus,
  { description: string; headers?: Record<string, { description: string; schema: { type: 'integer' | 'string' } }> }
> = {
  400: { description: 'Invalid request (body, path, query or X-Correlation-Id); `errors` names each bad field.' },
  401: {
    description: 'No API key, or a malformed, unknown, revoked or expired one (problem `unauthenticated`).',
    headers: { 'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } } },
  },
  403: { description: 'The key lacks the route’s scope, the tenant is suspended, or the plan/priority is not allowed.' },
  404: { description: 'No such job for this caller (another tenant’s job is 404 too), or no such stored result.' },
  409: {
    description: 'Conflict with the job’s state (`job_status` says which), or an idempotent create still in flight (Retry-After).',
    headers: RETRY_AFTER,
  },
  410: { description: 'The job’s result was removed under the result retention policy (problem `result-expired`).' },
  413: { description: 'The body is over the limit (1 MiB for JSON; MAX_UPLOAD_BYTES for files).' },
  415: { description: 'Unsupported content type (JSON routes take application/json; uploads take multipart/form-data with a CSV part).' },
  422: { description: 'The Idempotency-Key was already used for a different request (problem `idempotency-key-reused`).' },
  429: {
    description:
      'Rate limit (problem `rate-limited`, with Retry-After and the RateLimit/RateLimit-Policy headers every answer carries) or quota (problem `quota-exceeded`, naming `quota`) exceeded.',
    headers: RETRY_AFTER,
  },
  503: { description: 'A dependency (Postgres, Redis or object storage) is down; nothing was changed. Retry later.', headers: RETRY_AFTER },
};

/** Documents each status as an application/problem+json answer with the shared Problem schema. */
export function ApiProblems(...statuses: ProblemStatus[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: MEANINGS[status].description,
        headers: MEANINGS[status].headers,
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(ProblemView) } } },
      }),
    ),
  );
}

/** Security scheme names in the document (see openapi-document.ts). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_HEADER_SCHEME = 'apiKey';

/**
 * A tenant route: an API key as `Authorization: Bearer` (or `X-API-Key`), and the refusals
 * that come with keys and per-tenant limits.
 */
export function ApiTenantRoute(): MethodDecorator & ClassDecorator {
  return applyDecorators(ApiBearerAuth(BEARER_SCHEME), ApiSecurity(API_KEY_HEADER_SCHEME), ApiProblems(401, 403, 429));
}
