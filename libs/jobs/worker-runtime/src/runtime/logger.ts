import { hostname } from 'node:os';
import pino, { Logger } from 'pino';

/** JSON lines on stdout; per-job children add jobId, task, attempt and correlationId. */
export function createWorkerLogger(level: string, plans: readonly string[]): Logger {
  return pino({ level, base: { service: 'worker', plans, pid: process.pid, host: hostname() } });
}
