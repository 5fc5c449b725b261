import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ANONYMOUS_TENANT } from '@validahub/jobs-persistence';

export interface RequestContext {
  tenantId: string;
  correlationId: string;
}

/**
 * Who is asking and under which correlation id. Open mode: every caller is the anonymous
 * tenant; API-key auth will set the tenant on the request and this is where it is read.
 */
export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest>();
  return { tenantId: tenantIdOf(request), correlationId: String(request.id) };
});

/** The tenant of a request; the idempotency module scopes keys with this too. */
export function tenantIdOf(request: object): string {
  const tenant = (request as { tenantId?: unknown }).tenantId;
  return typeof tenant === 'string' && tenant !== '' ? tenant : ANONYMOUS_TENANT;
}
