import { hostname } from 'node:os';
import IORedis from 'ioredis';
import { Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { AppConfig } from '@validahub/config';
import { Plan, PLAN_SETTINGS, queueForPlan, TaskRegistry } from '@validahub/jobs-domain';
import { bullConnection, createRedis, JobEventPublisher, redisOptions, subscribeCancels } from '@validahub/jobs-queueing';
import type { TaskHandlers } from '@validahub/jobs-tasks';
import { ActiveRuns } from '../processing/active-runs';
import { EventSink, JobProcessor } from '../processing/job-processor';
import { RetryDelays } from '../processing/retry-delays';
import { TaskHandlerLookup } from '../processing/task-handler-lookup';
import { createWorkerLogger } from './logger';
import { checkEvictionPolicy } from './redis-checks';
import { reportLostJobs } from './lost-jobs';

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
  handlers: TaskHandlers;
  logger?: Logger;
  /** Defaults to a registry with test tasks when config.worker.enableTestTasks. */
  registry?: TaskRegistry;
  /** Grace an aborted handler gets before the runtime stops waiting for it (default 2 s). */
  abortGraceMs?: number;
  /** Overrides config.worker.shutdownGraceSeconds (tests use short ones). */
  shutdownGraceMs?: number;
  stall?: Partial<StallSettings>;
  workerName?: string;
}

/**
 * Hosts one BullMQ Worker per served plan, with a shared event publisher and cancel
 * subscription. Usable on its own (tests, scripts) or as a Nest provider: Nest calls
 * onApplicationBootstrap / onApplicationShutdown.
 */
export class WorkerRuntime {
  readonly logger: Logger;
  readonly workerName: string;
  private readonly tasks: TaskHandlerLookup;
  private readonly activeRuns = new ActiveRuns();
  private readonly workers: Worker[] = [];
  private connections: IORedis[] = [];
  private unsubscribe?: () => Promise<void>;
  private stopping?: Promise<void>;

  constructor(private readonly options: WorkerRuntimeOptions) {
    if (!options.plans.length) throw new Error('worker runtime: no plans to serve (set the app plan or WORKER_PLANS)');
    this.logger = options.logger ?? createWorkerLogger(options.config.http.logLevel, options.plans);
    this.tasks = TaskHandlerLookup.forWorker(options.config, options);
    this.workerName = options.workerName ?? `${hostname()}:${process.pid}`;
  }

  get plans(): readonly Plan[] {
    return this.options.plans;
  }

  /** Jobs this process is running right now. */
  get runningJobs(): number {
    return this.activeRuns.size;
  }

  async start(): Promise<void> {
    // Fail before touching Redis when the handlers and the registry disagree.
    this.tasks.assertComplete();
    const { config } = this.options;
    const { redisUrl, queuePrefix } = config.connections;
    const publisherConnection = createRedis(redisUrl, 'worker', `${this.workerName}:events`);
    const subscriberConnection = createRedis(redisUrl, 'worker', `${this.workerName}:cancels`);
    this.connections = [publisherConnection, subscriberConnection];
    for (const c of this.connections) c.on('error', (error) => this.logger.warn({ err: error }, 'redis connection error'));
    await checkEvictionPolicy(publisherConnection, this.logger);

    const events: EventSink = new JobEventPublisher(publisherConnection, queuePrefix);
    this.unsubscribe = await subscribeCancels(subscriberConnection, queuePrefix, ({ jobId, reason }) => {
      const accepted = this.activeRuns.cancel(jobId, reason);
      if (accepted) this.logger.info({ jobId, reason }, 'cancel request: aborting the running attempt');
    });

    const retryDelays = new RetryDelays(config.execution.retryBackoffBaseMs, config.execution.retryBackoffCapMs);
    const processor = new JobProcessor({
      tasks: this.tasks,
      events,
      activeRuns: this.activeRuns,
      retryDelays,
      logger: this.logger,
      workerName: this.workerName,
      progressThrottleMs: config.worker.progressThrottleMs,
      abortGraceMs: this.options.abortGraceMs ?? 2_000,
    });
    const stall = {
      ...STALL_DEFAULTS,
      lockDurationMs: config.execution.workerLockDurationMs,
      stalledIntervalMs: config.execution.workerStalledIntervalMs,
      ...this.options.stall,
    };
    for (const plan of this.options.plans) {
      const concurrency = config.worker.concurrency ?? PLAN_SETTINGS[plan].defaultConcurrency;
      const worker = new Worker(queueForPlan(plan), processor.process, {
        connection: bullConnection(redisOptions(redisUrl, 'worker')),
        prefix: queuePrefix,
        concurrency,
        name: this.workerName,
        lockDuration: stall.lockDurationMs,
        stalledInterval: stall.stalledIntervalMs,
        maxStalledCount: stall.maxStalledCount,
        settings: { backoffStrategy: retryDelays.strategy },
        autorun: false,
      });
      worker.on('error', (error) => this.logger.error({ err: error, plan }, 'worker error'));
      reportLostJobs(worker, events, this.logger);
      this.workers.push(worker);
      this.logger.info({ plan, queue: queueForPlan(plan), concurrency, prefix: queuePrefix }, 'serving queue');
    }
    for (const worker of this.workers) {
      worker.run().catch((error) => this.logger.error({ err: error }, 'worker loop ended with an error'));
    }
    await Promise.all(this.workers.map((w) => w.waitUntilReady()));
    this.logger.info({ tasks: this.tasks.taskNames }, 'worker runtime started');
  }

  /**
   * Stops taking jobs, lets running ones finish within the grace period, then aborts the rest
   * (reason `shutdown`): they go back to their queue without a terminal event.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    const graceMs = this.options.shutdownGraceMs ?? this.options.config.worker.shutdownGraceSeconds * 1_000;
    this.logger.info({ running: this.activeRuns.size, graceMs }, 'worker runtime stopping');
    const closed = Promise.all(this.workers.map((w) => w.close()));
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace_over'>((resolve) => (timer = setTimeout(() => resolve('grace_over'), graceMs)));
    const first = await Promise.race([closed.then(() => 'closed' as const), graceOver]);
    clearTimeout(timer);
    if (first === 'grace_over') {
      const aborted = this.activeRuns.abortAll('shutdown');
      this.logger.warn({ aborted }, 'shutdown grace over: handing running jobs back');
      await closed;
    }
    await this.unsubscribe?.().catch(() => undefined);
    await Promise.all(this.connections.map((c) => c.quit().catch(() => c.disconnect())));
    this.logger.info('worker runtime stopped');
  }

  onApplicationBootstrap(): Promise<void> {
    return this.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.stop();
  }
}
