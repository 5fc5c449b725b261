import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseInterceptors } from '@nestjs/common';
import { IDEMPOTENT_ROUTE } from './idempotency.constants';
import { getIdempotencyContext, IdempotencyContext } from './idempotency-context';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import type { IdempotentRouteOptions, ResolvedRouteOptions } from './route-options';

/** Makes a route idempotent (needs IdempotencyModule imported once in the app). */
export function Idempotent(options: IdempotentRouteOptions = {}): MethodDecorator {
  const resolved: ResolvedRouteOptions = {
    bodyField: options.bodyField ?? null,
    required: options.required ?? false,
  };
  return applyDecorators(SetMetadata(IDEMPOTENT_ROUTE, resolved), UseInterceptors(IdempotencyInterceptor));
}

/** Injects the request's IdempotencyContext into an @Idempotent() route handler. */
export const IdempotencyCtx = createParamDecorator((_data: unknown, ctx: ExecutionContext): IdempotencyContext => {
  const context = getIdempotencyContext(ctx.switchToHttp().getRequest());
  if (!context) throw new Error('@IdempotencyCtx() is only available on routes decorated with @Idempotent()');
  return context;
});
