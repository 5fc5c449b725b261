import { hostname } from 'node:os';
import pino, { Logger } from 'pino';
import { prettyTransport } from '@validahub/observability';

/** JSON lines on stdout (pretty one-liners when asked); per-job children add jobId, task, attempt and correlationId. */
export function createWorkerLogger(level: string, plans: readonly string[], pretty = false): Logger {
  const base = { service: 'worker', plans, pid: process.pid, host: hostname() };
  if (!pretty) return pino({ level, base });
  // A person reading `npm start` wants to know which tier spoke.
  return pino({ level, base: { ...base, service: `worker ${plans.join(',')}` }, transport: prettyTransport() });
}
