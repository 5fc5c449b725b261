import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AppConfig } from '@validahub/config';
import type { Plan, TaskRegistry } from '@validahub/jobs-domain';
import type { DeferSettings } from '../processing/job-processor';
import type { Task, TaskHandlers } from '@validahub/jobs-tasks';
import { wantsPrettyLogs } from '@validahub/observability';
import { createWorkerLogger } from './logger';

/** Stalled-job detection: see README "Crashes and stalled jobs". */
export interface StallSettings {
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
}
export const STALL_DEFAULTS: Readonly<StallSettings> = { lockDurationMs: 30_000, stalledIntervalMs: 15_000, maxStalledCount: 1 };

export interface WorkerRuntimeOptions {
  config: AppConfig;
  plans: readonly Plan[];
  /**
   * Fixed handlers for tests (fakes that touch no storage). Without them, handlers are built per
   * job from `tasks` (default: every shipped task) with storage confined to the job's tenant.
   */
  handlers?: TaskHandlers;
  tasks?: readonly Task[];
  logger?: Logger;
  /** Defaults to a registry with test tasks when config.worker.enableTestTasks. */
  registry?: TaskRegistry;
  /** Grace an aborted handler gets before the runtime stops waiting for it (default 2 s). */
  abortGraceMs?: number;
  /** Overrides config.worker.shutdownGraceSeconds (tests use short ones). */
  shutdownGraceMs?: number;
  stall?: Partial<StallSettings>;
  /** How a job whose tenant runs its limit is put back (default: 500 ms delay, 100 ms pause). */
  defer?: DeferSettings;
  workerName?: string;
}

/** Nest token of the WorkerSettings. */
export const WORKER_SETTINGS = Symbol('WORKER_SETTINGS');

/** What one worker process runs with, resolved once from validated config and the overrides tests pass. */
export interface WorkerSettings {
  config: AppConfig;
  /** Each plan once, in the order given. */
  plans: readonly Plan[];
  logger: Logger;
  workerName: string;
  abortGraceMs: number;
  shutdownGraceMs: number;
  stall: StallSettings;
  defer?: DeferSettings;
}

export function resolveWorkerSettings(options: WorkerRuntimeOptions): WorkerSettings {
  const plans = [...new Set(options.plans)];
  if (!plans.length) throw new Error('worker runtime: no plans to serve (set the app plan or WORKER_PLANS)');
  const { config } = options;
  return {
    config,
    plans,
    logger:
      options.logger ??
      createWorkerLogger(config.http.logLevel, plans, wantsPrettyLogs(config.http.logFormat, config.http.nodeEnv, process.stdout.isTTY)),
    workerName: options.workerName ?? `${hostname()}:${process.pid}`,
    abortGraceMs: options.abortGraceMs ?? 2_000,
    shutdownGraceMs: options.shutdownGraceMs ?? config.worker.shutdownGraceSeconds * 1_000,
    stall: {
      ...STALL_DEFAULTS,
      lockDurationMs: config.execution.workerLockDurationMs,
      stalledIntervalMs: config.execution.workerStalledIntervalMs,
      ...options.stall,
    },
    defer: options.defer,
  };
}
