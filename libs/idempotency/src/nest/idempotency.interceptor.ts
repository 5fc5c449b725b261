import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { catchError, from, map, mergeMap, Observable, of, throwError } from 'rxjs';
import { fingerprintRequest } from '../request/fingerprint';
import { extractIdempotencyKey } from '../request/idempotency-key';
import { ClaimOutcome, IdempotencyClaimLostError, IdempotencyStore, StoredResponse } from '../store/idempotency-store';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_OPTIONS,
  IDEMPOTENCY_STORE,
  IDEMPOTENT_REPLAYED_HEADER,
  PROBLEM_CONTENT_TYPE,
} from './idempotency.constants';
import { attachIdempotencyContext, IdempotencyContext } from './idempotency-context';
import { idempotentRouteOf, keyPresented } from './key-presented';
import type { IdempotencyRequest, ResolvedIdempotencyOptions } from './idempotency.options';
import type { ResolvedRouteOptions } from './route-options';
import { idempotencyProblem, IdempotencyProblemKind, ProblemDetails } from './problems';

type Decision = { respond: true; body: unknown } | { respond: false; context: IdempotencyContext };

/**
 * Claims the key before the handler runs and answers replays, mismatches and in-flight
 * duplicates itself. Storing the finished response is done by the ResponseRecorder (onSend),
 * or by the handler through IdempotencyContext.completeWithin().
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly reflector: Reflector,
    @Inject(IDEMPOTENCY_OPTIONS) private readonly options: ResolvedIdempotencyOptions,
    @Inject(IDEMPOTENCY_STORE) private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const route = idempotentRouteOf(this.reflector, context);
    if (context.getType() !== 'http' || !route) return next.handle();
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const reply = context.switchToHttp().getResponse<FastifyReply>();

    // Most requests carry no key: nothing to claim or look up, so no promise to wait for first.
    if (!keyPresented(request, route)) {
      const unclaimed = new IdempotencyContext(undefined, undefined, this.store, this.options.storagePolicy);
      attachIdempotencyContext(request, unclaimed);
      return this.runHandler(next, unclaimed, request, reply);
    }
    return from(this.decide(request, reply, route)).pipe(
      mergeMap((decision) => (decision.respond ? of(decision.body) : this.runHandler(next, decision.context, request, reply))),
    );
  }

  private async decide(request: FastifyRequest, reply: FastifyReply, route: ResolvedRouteOptions): Promise<Decision> {
    const extraction = extractIdempotencyKey({
      headerValue: request.headers[IDEMPOTENCY_KEY_HEADER.toLowerCase()],
      body: request.body,
      bodyField: route.bodyField,
      headerName: IDEMPOTENCY_KEY_HEADER,
      required: route.required,
    });
    if (!extraction.ok) {
      const { reason, field, message } = extraction.problem;
      const kind = reason === 'conflict' ? 'conflicting-idempotency-keys' : 'invalid-idempotency-key';
      return this.problem(request, reply, kind, message, { errors: [{ field, message }] });
    }

    const noClaim = (key?: string): Decision => {
      const context = new IdempotencyContext(key, undefined, this.store, this.options.storagePolicy);
      attachIdempotencyContext(request, context);
      return { respond: false, context };
    };
    if (extraction.key === undefined) return noClaim();

    const routePattern = routePatternOf(request);
    const scope = `${request.method} ${routePattern}`;
    const tenantId = await this.options.tenantResolver(request as unknown as IdempotencyRequest);
    const fingerprint = fingerprintRequest({ method: request.method, route: routePattern, body: request.body, bodyField: route.bodyField });

    let outcome: ClaimOutcome;
    try {
      outcome = await this.store.claim({
        tenantId,
        scope,
        key: extraction.key,
        fingerprint,
        lockTimeoutMs: this.options.lockTimeoutMs,
        retentionSeconds: this.options.retentionSeconds,
      });
    } catch (error) {
      this.logger.error(`idempotency store failed while claiming a key: ${describe(error)}`);
      reply.header('Retry-After', '5');
      return this.problem(request, reply, 'idempotency-store-unavailable', 'the idempotency store cannot be reached; retry later with the same key');
    }

    switch (outcome.kind) {
      case 'claimed': {
        const context = new IdempotencyContext(extraction.key, outcome.claim, this.store, this.options.storagePolicy);
        attachIdempotencyContext(request, context);
        return { respond: false, context };
      }
      case 'replay':
        reply.header(IDEMPOTENT_REPLAYED_HEADER, 'true');
        return { respond: true, body: sendStored(reply, outcome.response) };
      case 'mismatch':
        return this.problem(
          request,
          reply,
          'idempotency-key-reused',
          'this idempotency key was already used for a different request (method, route or body differ); use a new key for a new request',
        );
      case 'in_flight':
        reply.header('Retry-After', String(Math.max(1, Math.min(this.options.retryAfterSeconds, outcome.lockRemainingSeconds))));
        return this.problem(
          request,
          reply,
          'idempotency-request-in-progress',
          'a request with this idempotency key is still being processed; retry after the indicated delay',
        );
    }
  }

  private runHandler(next: CallHandler, context: IdempotencyContext, request: FastifyRequest, reply: FastifyReply): Observable<unknown> {
    return next.handle().pipe(
      // What was recorded in the transaction is what this client gets, exactly as a replay would.
      map((value) => (context.recorded ? sendStored(reply, context.recorded) : value)),
      catchError((error: unknown) => {
        if (!(error instanceof IdempotencyClaimLostError)) return throwError(() => error);
        reply.header('Retry-After', String(this.options.retryAfterSeconds));
        return of(
          this.problemBody(
            request,
            reply,
            'idempotency-request-in-progress',
            'this request outlived its claim on the idempotency key and another request took it over; its effects were rolled back',
          ),
        );
      }),
    );
  }

  private problem(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: IdempotencyProblemKind,
    detail: string,
    extra: { errors?: ProblemDetails['errors'] } = {},
  ): Decision {
    return { respond: true, body: this.problemBody(request, reply, kind, detail, extra) };
  }

  private problemBody(
    request: FastifyRequest,
    reply: FastifyReply,
    kind: IdempotencyProblemKind,
    detail: string,
    extra: { errors?: ProblemDetails['errors'] } = {},
  ): ProblemDetails {
    const problem = idempotencyProblem(kind, detail, {
      baseUrl: this.options.problemTypeBaseUrl,
      correlationId: this.options.correlationIdResolver(request as unknown as IdempotencyRequest),
      errors: extra.errors,
    });
    reply.code(problem.status).header('Content-Type', PROBLEM_CONTENT_TYPE);
    return problem;
  }
}

/** Sets the stored status and headers on the reply and returns the body to send. */
function sendStored(reply: FastifyReply, response: StoredResponse): unknown {
  reply.code(response.status);
  for (const [name, value] of Object.entries(response.headers)) reply.header(name, value);
  const contentType = response.headers['content-type'];
  // Fastify sends a string as-is even under a JSON content type, so re-encode JSON strings.
  if (typeof response.body === 'string' && contentType?.includes('json')) return JSON.stringify(response.body);
  return response.body;
}

/** The route pattern (`/widgets/:id`), so that keys are scoped per route, not per URL. */
function routePatternOf(request: FastifyRequest): string {
  return request.routeOptions?.url ?? request.url.split('?')[0];
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
