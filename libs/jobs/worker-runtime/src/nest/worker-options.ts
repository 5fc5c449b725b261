import type { BullRootModuleOptions } from '@nestjs/bullmq';
import type { WorkerOptions } from 'bullmq';
import { Plan, PLAN_SETTINGS } from '@validahub/jobs-domain';
import type { BullConnection } from '@validahub/jobs-queueing';
import type { RetryDelays } from '../processing/retry-delays';
import type { WorkerSettings } from '../runtime/worker-settings';

/**
 * What every queue processor shares: the Redis connection (single-node options, or one
 * cluster client whose owner closes it) and key prefix. Registration is manual so no worker
 * takes a job before the runtime's own start-up steps are done.
 */
export function bullRootOptions(settings: WorkerSettings, bull: BullConnection): BullRootModuleOptions {
  return {
    connection: bull.connection,
    prefix: settings.config.connections.queuePrefix,
    extraOptions: { manualRegistration: true },
  };
}

/** Worker options a @Processor carries; the connection comes from the shared options. */
export type ProcessorWorkerOptions = Omit<WorkerOptions, 'connection'>;

/** Jobs one plan's processor runs at once: WORKER_CONCURRENCY, else the plan's default. */
export function planConcurrency(plan: Plan, settings: WorkerSettings): number {
  return settings.config.worker.concurrency ?? PLAN_SETTINGS[plan].defaultConcurrency;
}

/** The BullMQ worker options of one plan's processor, from validated config. */
export function workerOptionsFor(plan: Plan, settings: WorkerSettings, retryDelays: RetryDelays): ProcessorWorkerOptions {
  return {
    name: settings.workerName,
    concurrency: planConcurrency(plan, settings),
    lockDuration: settings.stall.lockDurationMs,
    stalledInterval: settings.stall.stalledIntervalMs,
    maxStalledCount: settings.stall.maxStalledCount,
    settings: { backoffStrategy: retryDelays.strategy },
  };
}
