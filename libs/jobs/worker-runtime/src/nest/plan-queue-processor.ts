import { Inject, Type } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { Plan, queueForPlan } from '@validahub/jobs-domain';
import { WorkerMetrics } from '../http/worker-metrics';
import { ActiveRuns } from '../processing/active-runs';
import { JobProcessor, ProcessResult } from '../processing/job-processor';
import { reportLostJob } from '../runtime/lost-jobs';
import { WorkerConnections } from '../runtime/worker-connections';
import { WORKER_SETTINGS, WorkerSettings } from '../runtime/worker-settings';
import type { ProcessorWorkerOptions } from './worker-options';

/** Nest token of the processors this process registered, in plan order. */
export const QUEUE_PROCESSORS = Symbol('QUEUE_PROCESSORS');

/**
 * The @nestjs/bullmq host of one plan's queue. BullMQ hands it each job and it hands the job
 * to the JobProcessor every plan shares; it also reports the jobs BullMQ fails on its own
 * (worker lost) and logs worker errors.
 */
export abstract class PlanQueueProcessor extends WorkerHost {
  abstract readonly plan: Plan;

  constructor(
    @Inject(JobProcessor) private readonly jobs: JobProcessor,
    @Inject(WorkerConnections) private readonly connections: WorkerConnections,
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    @Inject(ActiveRuns) private readonly activeRuns: ActiveRuns,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
  ) {
    super();
  }

  // Two parameters on purpose: BullMQ creates a per-job AbortController only for processors
  // declaring a third one; JobRun owns the attempt's abort signal instead.
  process(job: Job, token?: string): Promise<ProcessResult> {
    return this.metrics.measure(this.plan, job, () => this.jobs.process(job, token));
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    reportLostJob(job, error, this.connections.events, this.settings.logger);
  }

  /**
   * BullMQ's signal that a job's lock is gone (its renewal found another token or no lock): the
   * job may already run elsewhere, so the run here is aborted (and killed after the grace).
   */
  @OnWorkerEvent('lockRenewalFailed')
  onLockRenewalFailed(jobIds: string[]): void {
    const aborted = this.activeRuns.abortLockLost(jobIds);
    this.settings.logger.warn({ jobIds, aborted, plan: this.plan }, 'job lock lost: aborting the runs that held it');
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    this.settings.logger.error({ err: error, plan: this.plan }, 'worker error');
  }
}

/**
 * The processor class of one plan's queue. @nestjs/bullmq reads worker options only from the
 * @Processor decorator, so the class is declared once the options are known from config.
 */
export function queueProcessorFor(plan: Plan, options: ProcessorWorkerOptions): Type<PlanQueueProcessor> {
  @Processor(queueForPlan(plan), options)
  class QueueProcessor extends PlanQueueProcessor {
    readonly plan = plan;
  }
  Object.defineProperty(QueueProcessor, 'name', { value: `${plan[0].toUpperCase()}${plan.slice(1)}QueueProcessor` });
  return QueueProcessor;
}
