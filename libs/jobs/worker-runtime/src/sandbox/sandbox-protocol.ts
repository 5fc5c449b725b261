// What the worker's main thread and an attempt's sandbox thread say to each other. Everything
// here crosses a thread boundary by structured clone: plain data only.
import type { MessagePort } from 'node:worker_threads';
import type { AppConfig } from '@validahub/config';
import type { JobError } from '@validahub/jobs-domain';
import type { TaskResult } from '@validahub/jobs-tasks';
import type { StorageScope } from '@validahub/storage';

/** Given to every sandbox thread when it starts: it builds its task handlers from these. */
export interface SandboxThreadData {
  config: AppConfig;
  /** The tasks this worker runs (the thread builds handlers for exactly these). */
  taskNames: string[];
}

/** One attempt, as handed to a sandbox thread. `port` carries progress, logs and the abort. */
export interface AttemptRequest {
  task: string;
  jobId: string;
  attempt: number;
  runId: string;
  params: unknown;
  correlationId: string;
  /** The job's tenant, and the storage its handler may use (decided on the main thread from the payload). */
  tenantId?: string;
  scope: StorageScope;
  port: MessagePort;
  /** Tracing is on: the thread times the attempt's storage calls and sends them as `span` messages. */
  traceStorage?: boolean;
}

/** A pseudo-task every thread answers at once: start-up proves the sandbox loads before any job is taken. */
export const PING_TASK = '__sandbox_ping__';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** A storage call the thread timed (epoch milliseconds): the main thread records it as a span of the attempt. */
export interface TimedCall {
  name: string;
  startMs: number;
  endMs: number;
  attributes: Record<string, string | number>;
  /** The call failed with this message. */
  error?: string;
}

/** Thread -> main, on the attempt's port. */
export type SandboxMessage =
  | { type: 'progress'; percent: number; message?: string }
  | { type: 'log'; level: LogLevel; fields: Record<string, unknown>; message?: string }
  | { type: 'span'; call: TimedCall };

/** Main -> thread, on the attempt's port. */
export type HostMessage = { type: 'abort'; reason: string };

/** What the handler's error was, classified where its type is still known (inside the thread). */
export interface SandboxError extends JobError {
  name: string;
  stack?: string;
}

export type AttemptReply = { ok: true; result: TaskResult } | { ok: false; error: SandboxError };
