import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Logger } from 'pino';
import type { Plan } from '@validahub/jobs-domain';
import { WorkerHttp } from '../nest/worker-http';
import { WorkerLifecycle } from '../nest/worker-lifecycle';
import { WorkerRuntimeModule } from '../nest/worker-runtime.module';
import { resolveWorkerSettings, WorkerRuntimeOptions } from './worker-settings';

/**
 * A worker runtime as one object, for tests and scripts: start() creates the same Nest
 * application context a worker app runs (WorkerRuntimeModule), stop() drains and closes it.
 */
export class WorkerRuntime {
  readonly logger: Logger;
  readonly workerName: string;
  readonly plans: readonly Plan[];
  private app?: INestApplicationContext;
  private stopping?: Promise<void>;

  constructor(private readonly options: WorkerRuntimeOptions) {
    const settings = resolveWorkerSettings(options);
    this.logger = settings.logger;
    this.workerName = settings.workerName;
    this.plans = settings.plans;
  }

  /** Jobs this process is running right now. */
  get runningJobs(): number {
    return this.app?.get(WorkerLifecycle).runningJobs ?? 0;
  }

  /** The bound port of the health and metrics endpoint, when config.worker.httpPort is set. */
  get httpPort(): number | undefined {
    return this.app?.get(WorkerHttp).endpoint?.port;
  }

  async start(): Promise<void> {
    const module = WorkerRuntimeModule.forRoot({ ...this.options, logger: this.logger, workerName: this.workerName });
    this.app = await NestFactory.createApplicationContext(module, { logger: ['error', 'warn'], abortOnError: false });
  }

  /**
   * Stops taking jobs, lets running ones finish within the grace period, then aborts the rest
   * (reason `shutdown`): they go back to their queue without a terminal event.
   */
  stop(): Promise<void> {
    this.stopping ??= this.app?.close() ?? Promise.resolve();
    return this.stopping;
  }
}
