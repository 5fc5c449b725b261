import { DynamicModule, Module } from '@nestjs/common';
import { BullModule } from '@nestjs/bullmq';
import { bullConnectionFor } from '@validahub/jobs-queueing';
import { WorkerMetrics } from '../http/worker-metrics';
import { ActiveRuns } from '../processing/active-runs';
import { ArrivalSignal } from '../processing/arrival-signal';
import { JobProcessor } from '../processing/job-processor';
import { RetryDelays } from '../processing/retry-delays';
import { TaskHandlerLookup } from '../processing/task-handler-lookup';
import { WorkerConnections } from '../runtime/worker-connections';
import { resolveWorkerSettings, WORKER_SETTINGS, WorkerRuntimeOptions, WorkerSettings } from '../runtime/worker-settings';
import { QUEUE_PROCESSORS, queueProcessorFor } from './plan-queue-processor';
import { WorkerHttp } from './worker-http';
import { WorkerLifecycle } from './worker-lifecycle';
import { bullRootOptions, planConcurrency, workerOptionsFor } from './worker-options';

/**
 * A worker process as a Nest module: one @nestjs/bullmq processor per served plan, all
 * sharing one JobProcessor, event publisher and cancel subscription. Creating the application
 * context starts it; closing it (enableShutdownHooks turns SIGTERM/SIGINT into that) drains it.
 */
@Module({})
export class WorkerRuntimeModule {
  /** Throws at once, before anything touches Redis, when the handlers and the task registry disagree. */
  static forRoot(options: WorkerRuntimeOptions): DynamicModule {
    const settings = resolveWorkerSettings(options);
    const { plans, logger } = settings;
    // Every attempt in flight may need its own sandbox thread.
    const maxThreads = plans.reduce((sum, plan) => sum + planConcurrency(plan, settings), 0);
    const tasks = TaskHandlerLookup.forWorker(settings.config, { plans, maxThreads, logger }, options);
    tasks.assertComplete(settings.config);
    const { retryBackoffBaseMs, retryBackoffCapMs } = settings.config.execution;
    const retryDelays = new RetryDelays(retryBackoffBaseMs, retryBackoffCapMs);
    // A cluster client connects lazily: nothing touches Redis before the application starts.
    const bull = bullConnectionFor(settings.config.connections, 'worker', `${settings.workerName}:bullmq`);
    const processors = settings.plans.map((plan) => queueProcessorFor(plan, workerOptionsFor(plan, settings, retryDelays)));
    return {
      module: WorkerRuntimeModule,
      imports: [
        BullModule.forRoot(bullRootOptions(settings, bull)),
        // No queues: a worker adds no jobs. This brings in @nestjs/bullmq's explorer, which builds
        // each processor's Worker from the shared connection and prefix above.
        BullModule.registerQueue(),
      ],
      providers: [
        { provide: WORKER_SETTINGS, useValue: settings },
        { provide: TaskHandlerLookup, useValue: tasks },
        { provide: RetryDelays, useValue: retryDelays },
        { provide: ActiveRuns, useFactory: () => new ActiveRuns() },
        { provide: ArrivalSignal, useFactory: () => new ArrivalSignal() },
        { provide: WorkerConnections, useFactory: (s: WorkerSettings) => new WorkerConnections(s, bull), inject: [WORKER_SETTINGS] },
        {
          provide: JobProcessor,
          useFactory: (s: WorkerSettings, connections: WorkerConnections, activeRuns: ActiveRuns, arrivals: ArrivalSignal) =>
            new JobProcessor({
              tasks,
              events: connections.events,
              activeRuns,
              retryDelays,
              logger: s.logger,
              workerName: s.workerName,
              progressThrottleMs: s.config.worker.progressThrottleMs,
              abortGraceMs: s.abortGraceMs,
              lockDurationMs: s.stall.lockDurationMs,
              slots: connections.slots,
              defer: s.defer,
              arrivals,
            }),
          inject: [WORKER_SETTINGS, WorkerConnections, ActiveRuns, ArrivalSignal],
        },
        ...processors,
        { provide: QUEUE_PROCESSORS, useFactory: (...served: unknown[]) => served, inject: processors },
        {
          provide: WorkerMetrics,
          useFactory: () => new WorkerMetrics({ taskNames: tasks.taskNames, defaultLabels: { service: 'worker' } }),
        },
        WorkerLifecycle,
        WorkerHttp,
      ],
      exports: [WorkerLifecycle, WorkerHttp, WorkerMetrics],
    };
  }
}
