import { ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimsIdempotencyKey } from '@validahub/idempotency';
import type { RequestAuth } from '../auth/request-auth';
import { Drawn, RateLimits, rateLimitedProblem } from './rate-limits';
import { rateLimitHeaders } from './rate-limit-headers';

const ADMISSION = Symbol('rate-limit admission');
type WithAdmission = { [ADMISSION]?: Promise<void> };

/** A create's rate-limit draw that the guard left in flight (see RequestLimits.admit): settle it before the first write. */
export function pendingAdmission(request: object): Promise<void> | undefined {
  return (request as WithAdmission)[ADMISSION];
}

export const COUNTS_AS_CREATE = 'validahub:counts-as-create';

/** The route creates one job: it draws on the tenant's `creates` limit too (a batch route draws per job itself). */
export const CountsAsCreate = () => SetMetadata(COUNTS_AS_CREATE, true);

/**
 * The per-request side of the rate limits, called by the auth guard: every authenticated tenant
 * request draws one unit of `requests` (and of `creates` on create routes), and every request
 * refused for its key draws one unit of its address's `unauthenticated` limit, so keys cannot
 * be guessed at speed (once over, the answer is 429 whatever the key). The RateLimit headers
 * of every policy drawn on go on the response, whatever its status.
 */
@Injectable()
export class RequestLimits {
  constructor(
    private readonly reflector: Reflector,
    private readonly rates: RateLimits,
  ) {}

  async admit(context: ExecutionContext, auth: RequestAuth): Promise<void> {
    const isCreate = this.reflector.getAllAndOverride<boolean>(COUNTS_AS_CREATE, [context.getHandler(), context.getClass()]);
    const http = context.switchToHttp();
    // Both draws leave at once, in one socket write (see RateLimits.drawTogether).
    const admission = this.rates
      .drawTogether(() => [this.rates.draw(auth, 'requests'), isCreate ? this.rates.draw(auth, 'creates') : undefined])
      .then((all) => {
        const drawn = all.filter((d): d is Drawn => d !== undefined);
        const refused = drawn.find((d) => !d.allowed);
        if (refused) throw rateLimitedProblem(refused, drawn);
        void http.getResponse<FastifyReply>().headers(rateLimitHeaders(drawn.map((d) => d.state)));
      });
    if (!isCreate || claimsIdempotencyKey(this.reflector, context)) return admission;
    // A create waits for Redis only where it must, just before it stores anything
    // (`RequestContext.admission`), so the round trip overlaps its validation and input checks.
    // With an idempotency key the interceptor claims the key before the handler runs: no deferral.
    admission.catch(() => undefined); // settled by the create, or by the problem filter when a check fails first
    (http.getRequest<FastifyRequest>() as WithAdmission)[ADMISSION] = admission;
  }

  /** Called before the guard throws its 401: throws the 429 instead once the address is over its limit. */
  async refused(context: ExecutionContext): Promise<void> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const drawn = await this.rates.drawUnauthenticated(request.ip);
    if (!drawn) return;
    if (!drawn.allowed) throw rateLimitedProblem(drawn);
    void context
      .switchToHttp()
      .getResponse<FastifyReply>()
      .headers(rateLimitHeaders([drawn.state]));
  }
}
