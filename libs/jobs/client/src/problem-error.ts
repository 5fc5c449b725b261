import type { Problem } from './api-types';

/**
 * A refusal from the API: the HTTP status and its problem+json body (RFC 9457), so a caller can
 * branch on `problem.type` and show `problem.detail` and `problem.errors`.
 */
export class ApiProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.title}: ${problem.detail}${formatFieldErrors(problem)}`);
    this.name = 'ApiProblemError';
  }

  /** The problem type's slug (`https://validahub.dev/problems/not-found` -> `not-found`). */
  get slug(): string {
    return this.problem.type.split('/').pop() ?? this.problem.type;
  }
}

function formatFieldErrors(problem: Problem): string {
  return problem.errors?.length ? ` (${problem.errors.map((e) => `${e.field}: ${e.message}`).join('; ')})` : '';
}

/** A problem from any response: its own body when it is one, else a generic one naming the status. */
export async function problemFrom(response: Response, parsed?: unknown): Promise<ApiProblemError> {
  let body = parsed;
  if (body === undefined) body = await response.json().catch(() => undefined);
  if (isProblem(body)) return new ApiProblemError(response.status, body);
  return new ApiProblemError(response.status, {
    type: 'about:blank',
    title: response.statusText || 'HTTP error',
    status: response.status,
    detail: `The server answered ${response.status} without a problem body.`,
    correlation_id: response.headers.get('x-correlation-id') ?? '',
  });
}

function isProblem(value: unknown): value is Problem {
  return typeof value === 'object' && value !== null && typeof (value as Problem).type === 'string' && typeof (value as Problem).detail === 'string';
}
