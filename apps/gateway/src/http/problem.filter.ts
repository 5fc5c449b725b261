import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { pendingAdmission } from '../limits/request-limits';
import { DependencyUnavailableError, isDependencyDown } from './dependency-errors';
import { genericProblem, ProblemException, ProblemSpec } from './problem';
import { sendProblem } from './problem-reply';

/**
 * Every error leaves as application/problem+json with the request's correlation id: our own
 * ProblemExceptions, Nest/Fastify HttpExceptions (404 route, 415, 413, bad JSON), a dependency
 * that is down (503), and anything unexpected (500, logged with its stack).
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const admission = pendingAdmission(request);
    if (!admission) {
      void this.reply(exception, request, reply);
      return;
    }
    // A create whose rate-limit draw was still in flight (RequestLimits.admit): past its limit it
    // answers the 429, whatever check failed meanwhile; within it, this error with the headers.
    admission.then(
      () => this.reply(exception, request, reply),
      (refusal: unknown) => this.reply(refusal, request, reply),
    );
  }

  /** The same answer from outside Nest's pipeline (a Fastify hook, e.g. the dashboard's). */
  reply(exception: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const spec = this.toSpec(exception, request);
    const correlationId = String(request.id);
    if (spec.status >= 500 && spec.status !== 503) {
      this.logger.error({ err: exception, correlation_id: correlationId, url: request.url }, 'request failed');
    }
    return sendProblem(reply, spec, correlationId);
  }

  private toSpec(exception: unknown, request: FastifyRequest): ProblemSpec {
    if (exception instanceof ProblemException) return exception.spec;
    if (exception instanceof DependencyUnavailableError) return unavailable(exception.dependency);
    if (exception instanceof HttpException) return fromHttpException(exception, request);
    if (isDependencyDown(exception)) return unavailable('postgres');
    return genericProblem(500, 'An unexpected error occurred; it has been logged with this correlation id.');
  }
}

function unavailable(dependency: string): ProblemSpec {
  return {
    ...genericProblem(503, `A dependency (${dependency}) is unavailable; retry later.`),
    extensions: { dependency },
    headers: { 'Retry-After': '5' },
  };
}

function fromHttpException(exception: HttpException, request: FastifyRequest): ProblemSpec {
  const status = exception.getStatus();
  const response = exception.getResponse();
  if (status === 404 && typeof response === 'object' && /^Cannot /.test(String((response as { message?: unknown }).message))) {
    return genericProblem(404, `No route for ${request.method} ${request.url.split('?')[0]}`);
  }
  if (status === 503 && typeof response === 'object' && response && 'details' in response) {
    // Terminus readiness result: keep the per-dependency details.
    return { ...genericProblem(503, 'One or more dependencies are down.'), extensions: { checks: (response as { details: unknown }).details } };
  }
  const message = typeof response === 'object' && response ? (response as { message?: unknown }).message : response;
  const detail = Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
  return genericProblem(status, friendlyDetail(status, detail));
}

// Fastify's texts name its internals; say what the client should do instead.
function friendlyDetail(status: number, detail: string): string {
  if (status === 400 && /JSON/i.test(detail)) return `The body is not valid JSON: ${detail}`;
  if (status === 415) return `Unsupported content type; send application/json. (${detail})`;
  if (status === 413) return 'The request body is too large.';
  return detail;
}
