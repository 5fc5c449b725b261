import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { stopTracing } from '@validahub/observability';
import { BullRegistrar } from '@nestjs/bullmq';
import type { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Plan } from '@validahub/jobs-domain';
import { subscribeArrivals, subscribeCancels } from '@validahub/jobs-queueing';
import { ActiveRuns } from '../processing/active-runs';
import { ArrivalSignal } from '../processing/arrival-signal';
import { TaskHandlerLookup } from '../processing/task-handler-lookup';
import { checkEvictionPolicy } from '../runtime/redis-checks';
import { WorkerConnections } from '../runtime/worker-connections';
import { WORKER_SETTINGS, WorkerSettings } from '../runtime/worker-settings';
import { PlanQueueProcessor, QUEUE_PROCESSORS } from './plan-queue-processor';

/**
 * Start-up and shutdown of a worker process around @nestjs/bullmq: the queue processors get
 * their BullMQ workers only after the eviction check and the cancel and arrival subscriptions are in place,
 * and on shutdown running jobs get a grace period before they are handed back.
 */
@Injectable()
export class WorkerLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private workers: Worker[] = [];
  private readonly unsubscribes: Array<() => Promise<void>> = [];
  private stopping?: Promise<void>;
  private started = false;

  constructor(
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    @Inject(WorkerConnections) private readonly connections: WorkerConnections,
    @Inject(ActiveRuns) private readonly activeRuns: ActiveRuns,
    @Inject(ArrivalSignal) private readonly arrivals: ArrivalSignal,
    @Inject(TaskHandlerLookup) private readonly tasks: TaskHandlerLookup,
    @Inject(QUEUE_PROCESSORS) private readonly processors: PlanQueueProcessor[],
    @Inject(BullRegistrar) private readonly registrar: BullRegistrar,
  ) {}

  get logger(): Logger {
    return this.settings.logger;
  }

  get plans(): readonly Plan[] {
    return this.settings.plans;
  }

  /** True once every queue is served, false again as soon as the drain starts (readiness). */
  get serving(): boolean {
    return this.started && !this.stopping;
  }

  /** Jobs this process is running right now. */
  get runningJobs(): number {
    return this.activeRuns.size;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { logger, config } = this.settings;
    const { queuePrefix } = config.connections;
    await checkEvictionPolicy(this.connections.publisher, logger);
    // The sandbox loads before any job is taken: a worker whose task code cannot load never takes one.
    await this.tasks.executor.start();
    this.unsubscribes.push(
      await subscribeCancels(this.connections.subscriber, queuePrefix, ({ jobId, reason }) => {
        const accepted = this.activeRuns.cancel(jobId, reason);
        if (accepted) logger.info({ jobId, reason }, 'cancel request: aborting the running attempt');
      }),
      await subscribeArrivals(this.connections.subscriber, queuePrefix, this.plans, (plan, count) => this.arrivals.arrived(plan, count)),
    );
    // Builds one BullMQ Worker per @Processor, with the options its class carries; they start fetching at once.
    this.registrar.register();
    this.workers = this.processors.map((p) => p.worker);
    for (const { plan, worker } of this.processors) {
      logger.info({ plan, queue: worker.name, concurrency: worker.concurrency, prefix: queuePrefix }, 'serving queue');
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.started = true;
    logger.info({ tasks: this.tasks.taskNames }, 'worker runtime started');
  }

  /**
   * Runs before @nestjs/bullmq closes the workers in its own shutdown hook: stop taking jobs,
   * let running ones finish within the grace period, then abort the rest (reason `shutdown`)
   * so they go back to their queue without a terminal event.
   */
  beforeApplicationShutdown(): Promise<void> {
    this.stopping ??= this.drain();
    return this.stopping;
  }

  private async drain(): Promise<void> {
    const { logger, shutdownGraceMs: graceMs } = this.settings;
    logger.info({ running: this.activeRuns.size, graceMs }, 'worker runtime stopping');
    const closed = Promise.all(this.workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace_over'>((resolve) => (timer = setTimeout(() => resolve('grace_over'), graceMs)));
    const first = await Promise.race([closed.then(() => 'closed' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'grace_over') {
      const aborted = this.activeRuns.abortAll('shutdown');
      logger.warn({ aborted }, 'shutdown grace over: handing running jobs back');
      await closed;
    }
    await Promise.all(this.unsubscribes.splice(0).map((unsubscribe) => unsubscribe().catch(() => undefined)));
    // Every attempt has ended (finished, or handed back and killed): the sandbox threads can go.
    await this.tasks.executor.close();
    await this.connections.close();
    // Last: the spans of the attempts above are exported before the process exits (a no-op with tracing off).
    await stopTracing().catch(() => undefined);
    logger.info('worker runtime stopped');
  }
}
