import { hostname } from 'node:os';
import pino, { Logger } from 'pino';
import { prettyTransport, traceLogFields, tracingStarted } from '@validahub/observability';

/**
 * JSON lines on stdout (pretty one-liners when asked); per-job children add jobId, task, attempt
 * and correlationId, and with tracing on a line logged inside a span carries `trace_id` and `span_id`.
 */
export function createWorkerLogger(level: string, plans: readonly string[], pretty = false): Logger {
  const base = { service: 'worker', plans, pid: process.pid, host: hostname() };
  const traceIds = tracingStarted() ? { mixin: traceLogFields } : {};
  if (!pretty) return pino({ level, base, ...traceIds });
  // A person reading `npm start` wants to know which tier spoke.
  return pino({ level, base: { ...base, service: `worker ${plans.join(',')}` }, transport: prettyTransport(), ...traceIds });
}
