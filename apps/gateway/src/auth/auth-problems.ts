import { HttpStatus } from '@nestjs/common';
import type { Scope } from '@validahub/tenancy';
import { ProblemException } from '../http/problem';

// The 401/403 answers of the contract's table. A 401 always says how to authenticate.

export type KeyRejection = 'missing' | 'malformed' | 'unknown' | 'revoked' | 'expired';

const DETAILS: Record<KeyRejection, string> = {
  missing: 'An API key is required: send it as "Authorization: Bearer <key>" (or "X-API-Key: <key>").',
  malformed: 'The API key is malformed: it is not a complete vh_ key (its checksum does not match). Check that it was copied whole.',
  unknown: 'The API key is not valid.',
  revoked: 'The API key has been revoked.',
  expired: 'The API key has expired.',
};

export const authProblems = {
  unauthenticated: (why: KeyRejection, challenge = 'Bearer realm="ValidaHub"') =>
    new ProblemException({
      status: HttpStatus.UNAUTHORIZED,
      type: 'unauthenticated',
      title: 'Unauthenticated',
      detail: DETAILS[why],
      headers: { 'WWW-Authenticate': why === 'missing' ? challenge : `${challenge}, error="invalid_token"` },
    }),
  insufficientScope: (scope: Scope) =>
    new ProblemException({
      status: HttpStatus.FORBIDDEN,
      type: 'insufficient-scope',
      title: 'Insufficient scope',
      detail: `This API key lacks the scope "${scope}" that this route needs.`,
      extensions: { required_scope: scope },
    }),
  tenantSuspended: () =>
    new ProblemException({
      status: HttpStatus.FORBIDDEN,
      type: 'tenant-suspended',
      title: 'Tenant suspended',
      detail: 'The tenant of this API key is suspended; contact support.',
    }),
  planNotAllowed: (asked: string, plan: string) =>
    new ProblemException({
      status: HttpStatus.FORBIDDEN,
      type: 'plan-not-allowed',
      title: 'Plan not allowed',
      detail: `The body asks for plan "${asked}", but this tenant's plan is "${plan}"; omit plan or send "${plan}".`,
      extensions: { tenant_plan: plan },
    }),
  priorityNotAllowed: (asked: number, plan: string, max: number) =>
    new ProblemException({
      status: HttpStatus.FORBIDDEN,
      type: 'priority-not-allowed',
      title: 'Priority not allowed',
      detail: `Priority ${asked} is above the ${plan} plan's priority ${max}.`,
      extensions: { max_priority: max },
    }),
};
