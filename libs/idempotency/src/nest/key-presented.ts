import type { ExecutionContext } from '@nestjs/common';
import type { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_ROUTE } from './idempotency.constants';
import type { ResolvedRouteOptions } from './route-options';

/** The @Idempotent() options of the route being handled; undefined when it is not idempotent. */
export function idempotentRouteOf(reflector: Reflector, context: ExecutionContext): ResolvedRouteOptions | undefined {
  return reflector.get<ResolvedRouteOptions | undefined>(IDEMPOTENT_ROUTE, context.getHandler());
}

/**
 * Whether the interceptor has a key to check and claim before the handler runs: one in the
 * header or in the route's body field (valid or not), or a route that requires one.
 */
export function keyPresented(request: FastifyRequest, route: ResolvedRouteOptions): boolean {
  if (route.required || request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()] !== undefined) return true;
  const body = request.body;
  return route.bodyField !== null && body !== null && typeof body === 'object' && route.bodyField in body;
}

/** For other guards and interceptors: does this request reach the idempotency store before its handler? */
export function claimsIdempotencyKey(reflector: Reflector, context: ExecutionContext): boolean {
  const route = idempotentRouteOf(reflector, context);
  return route !== undefined && keyPresented(context.switchToHttp().getRequest<FastifyRequest>(), route);
}
