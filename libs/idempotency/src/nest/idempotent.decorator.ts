import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseInterceptors } from '@nestjs/common';
import { IDEMPOTENT_ROUTE } from './idempotency.constants';
import { getIdempotencyContext, IdempotencyContext } from './idempotency-context';
import { IdempotencyInterceptor } from './idempotency.interceptor';

export interface IdempotentRouteOptions {
  /** Body field that may carry the key besides the header (e.g. `idempotency_key`). Default: none. */
  bodyField?: string;
  /** Refuse requests without a key (400). Default false: no key, no idempotency. */
  required?: boolean;
}

export interface ResolvedRouteOptions {
  bodyField: string | null;
  required: boolean;
}

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
