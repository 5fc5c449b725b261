// RFC 9457 problem documents for the answers this library gives itself.

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  correlation_id?: string;
}

export type IdempotencyProblemKind =
  | 'invalid-idempotency-key'
  | 'conflicting-idempotency-keys'
  | 'idempotency-key-reused'
  | 'idempotency-request-in-progress'
  | 'idempotency-store-unavailable';

const CATALOGUE: Record<IdempotencyProblemKind, { status: number; title: string }> = {
  'invalid-idempotency-key': { status: 400, title: 'Invalid idempotency key' },
  'conflicting-idempotency-keys': { status: 400, title: 'Conflicting idempotency keys' },
  'idempotency-key-reused': { status: 422, title: 'Idempotency key reused with a different request' },
  'idempotency-request-in-progress': { status: 409, title: 'A request with this idempotency key is in progress' },
  'idempotency-store-unavailable': { status: 503, title: 'Idempotency store unavailable' },
};

export function idempotencyProblem(
  kind: IdempotencyProblemKind,
  detail: string,
  extra: { baseUrl: string; correlationId?: string; errors?: ProblemDetails['errors'] },
): ProblemDetails {
  const { status, title } = CATALOGUE[kind];
  const problem: ProblemDetails = { type: `${extra.baseUrl}${kind}`, title, status, detail };
  if (extra.errors?.length) problem.errors = extra.errors;
  if (extra.correlationId) problem.correlation_id = extra.correlationId;
  return problem;
}
