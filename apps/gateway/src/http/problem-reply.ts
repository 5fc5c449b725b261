import type { FastifyReply } from 'fastify';
import { CORRELATION_ID_HEADER } from '@validahub/observability';
import { PROBLEM_CONTENT_TYPE, ProblemSpec, toProblemBody } from './problem';

/** Sends a problem+json answer with its headers and the correlation id, wherever it is raised (filter, Fastify hook). */
export function sendProblem(reply: FastifyReply, spec: ProblemSpec, correlationId: string): FastifyReply {
  for (const [name, value] of Object.entries(spec.headers ?? {})) void reply.header(name, value);
  return reply.header(CORRELATION_ID_HEADER, correlationId).status(spec.status).type(PROBLEM_CONTENT_TYPE).send(toProblemBody(spec, correlationId));
}
