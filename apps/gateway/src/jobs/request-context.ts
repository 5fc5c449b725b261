import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { RequestAuth, requestAuthOf } from '../auth/request-auth';
import { pendingAdmission } from '../limits/request-limits';

export interface RequestContext {
  tenantId: string;
  correlationId: string;
  /** Who is calling (set by the auth guard): plan rules and storage scope come from here. */
  auth: RequestAuth;
  /** The request's rate-limit draw still in flight (rejects with its 429): awaited before the first write. */
  admission?: Promise<void>;
}

/** Who is asking and under which correlation id; the auth guard has put the caller on the request. */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  const auth = requestAuthOf(request);
  if (!auth) throw new Error('no authenticated tenant on this request: is the route missing from the auth guard?');
  return { tenantId: auth.tenant.id, correlationId: String(request.id), auth, admission: pendingAdmission(request) };
});
