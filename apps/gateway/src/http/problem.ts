import { HttpException, HttpStatus } from '@nestjs/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
// Problem `type` URIs: stable, documented in the README; clients branch on them, not on titles.
export const PROBLEM_TYPE_BASE = 'https://validahub.dev/problems/';

export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 body as the contract spells it. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldProblem[];
  correlation_id: string;
  [extension: string]: unknown;
}

export interface ProblemSpec {
  status: number;
  /** Slug appended to PROBLEM_TYPE_BASE. */
  type: string;
  title: string;
  detail: string;
  errors?: FieldProblem[];
  /** Extra members (e.g. `job_status` on a 409). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** An HttpException that already knows its problem body (minus the correlation id). */
export class ProblemException extends HttpException {
  constructor(readonly spec: ProblemSpec) {
    super(spec.detail, spec.status);
  }
}

export const problems = {
  validation: (errors: FieldProblem[], detail = 'The request is not valid.') =>
    new ProblemException({ status: HttpStatus.BAD_REQUEST, type: 'validation-error', title: 'Invalid request', detail, errors }),
  notFound: (detail: string) => new ProblemException({ status: HttpStatus.NOT_FOUND, type: 'not-found', title: 'Not found', detail }),
  conflict: (type: string, detail: string, extensions?: Record<string, unknown>) =>
    new ProblemException({ status: HttpStatus.CONFLICT, type, title: 'Conflict', detail, extensions }),
  unavailable: (dependency: string, detail: string) =>
    new ProblemException({
      status: HttpStatus.SERVICE_UNAVAILABLE,
      type: 'dependency-unavailable',
      title: 'Service unavailable',
      detail,
      extensions: { dependency },
      headers: { 'Retry-After': '5' },
    }),
};

/** Default type slugs and titles for statuses raised without a ProblemSpec (framework errors). */
export function genericProblem(status: number, detail: string): ProblemSpec {
  const known: Record<number, [string, string]> = {
    400: ['bad-request', 'Bad request'],
    401: ['unauthorized', 'Unauthorized'],
    403: ['forbidden', 'Forbidden'],
    404: ['not-found', 'Not found'],
    405: ['method-not-allowed', 'Method not allowed'],
    406: ['not-acceptable', 'Not acceptable'],
    408: ['request-timeout', 'Request timeout'],
    409: ['conflict', 'Conflict'],
    413: ['payload-too-large', 'Payload too large'],
    414: ['uri-too-long', 'URI too long'],
    415: ['unsupported-media-type', 'Unsupported media type'],
    422: ['unprocessable-content', 'Unprocessable content'],
    429: ['too-many-requests', 'Too many requests'],
    503: ['dependency-unavailable', 'Service unavailable'],
  };
  const [type, title] = known[status] ?? (status >= 500 ? ['internal-error', 'Internal server error'] : ['client-error', 'Client error']);
  return { status, type, title, detail };
}

export function toProblemBody(spec: ProblemSpec, correlationId: string): ProblemBody {
  // Extensions first: they can never overwrite the RFC members.
  return {
    ...(spec.extensions ?? {}),
    type: `${PROBLEM_TYPE_BASE}${spec.type}`,
    title: spec.title,
    status: spec.status,
    detail: spec.detail,
    ...(spec.errors ? { errors: spec.errors } : {}),
    correlation_id: correlationId,
  };
}
