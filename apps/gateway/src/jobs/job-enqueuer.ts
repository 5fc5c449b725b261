import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { JobPayload, TaskRegistry } from '@validahub/jobs-domain';
import { JobEntity } from '@validahub/jobs-persistence';
import { EnqueueOptions, JobQueues, signPayload } from '@validahub/jobs-queueing';
import { currentTraceparent } from '@validahub/observability';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { viaRedis } from '../http/dependency-errors';
import { MicroBatcher } from '../infra/micro-batcher';
import { RunningLimits } from '../limits/running-limits';
import { GatewayMetrics } from '../metrics/gateway-metrics';

/**
 * Puts stored jobs on their plan's queue: new jobs from create, lost ones from the reconciler.
 * Enqueues made in the same turn share one BullMQ `addBulk` per plan. The queue order is fair
 * between a tier's tenants: each job goes in at its place in its own tenant's backlog (its
 * `fair_rank`, stamped by Postgres at insert), so a re-enqueue after a Redis loss restores it.
 * Each payload carries its tenant's "running at once" limit, which the workers enforce.
 */
@Injectable()
export class JobEnqueuer {
  private readonly logger = new Logger('JobEnqueuer');
  private readonly batches = new MicroBatcher<{ payload: JobPayload; options: EnqueueOptions }, void>(async (items) => {
    await this.queues.enqueueMany(items);
    return items.map(() => undefined);
  });

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    private readonly queues: JobQueues,
    private readonly metrics: GatewayMetrics,
    private readonly runningLimits: RunningLimits,
  ) {}

  /**
   * False (logged, counted) when Redis refused: the job stays durably queued in Postgres and the
   * reconciler tries again. Idempotent by job id. `attemptBase` numbers a re-enqueued job's
   * attempts on from those it already made.
   */
  async enqueue(job: JobEntity, attemptBase = 0): Promise<boolean> {
    try {
      const [runningLimit] = await this.runningLimits.of([job]);
      const payload = this.payloadOf(job, runningLimit, currentTraceparent());
      await viaRedis(() => this.batches.submit({ payload: attemptBase > 0 ? { ...payload, attemptBase } : payload, options: this.optionsOf(job) }));
      return true;
    } catch (error) {
      this.metrics.enqueueFailures.inc({ plan: job.plan });
      this.logger.warn({ job_id: job.id, correlation_id: job.correlationId, err: error }, 'enqueue failed; the reconciler will retry');
      return false;
    }
  }

  /**
   * Jobs that are already together (a batch create, one multi-row insert of concurrent creates)
   * in one round trip per plan (BullMQ addBulk), outside the micro-batch. `traceparents`: each
   * job's own request's trace, when they came from different requests (default: the current
   * one). False (logged, counted) when Redis refused; the reconciler retries.
   */
  async enqueueMany(jobs: readonly JobEntity[], traceparents?: readonly (string | undefined)[]): Promise<boolean> {
    if (!jobs.length) return true;
    try {
      const limits = await this.runningLimits.of(jobs);
      const sharedTrace = traceparents ? undefined : currentTraceparent();
      await viaRedis(() =>
        this.queues.enqueueMany(
          jobs.map((job, i) => ({
            payload: this.payloadOf(job, limits[i], traceparents ? traceparents[i] : sharedTrace),
            options: this.optionsOf(job),
          })),
        ),
      );
      return true;
    } catch (error) {
      for (const job of jobs) this.metrics.enqueueFailures.inc({ plan: job.plan });
      this.logger.warn(
        { job_ids: jobs.map((job) => job.id), correlation_id: jobs[0].correlationId, err: error },
        'batch enqueue failed; the reconciler will retry',
      );
      return false;
    }
  }

  /** Its place in the tier's queue: its priority within its tenant's backlog. */
  private optionsOf(job: JobEntity): EnqueueOptions {
    return { priority: job.priority, fairRank: job.fairRank ?? 1 };
  }

  /**
   * Signed, so a worker can tell what the gateway checked (an input in an allowed bucket, the
   * tenant's running limit) from what anyone could write to Redis.
   */
  payloadOf(job: JobEntity, runningLimit: number | undefined, traceparent: string | undefined): JobPayload {
    const task = this.registry.lookup(job.taskName);
    const timeLimitSeconds = (task.ok ? task.task.defaults.timeLimitSeconds : undefined) ?? this.config.execution.taskTimeLimitSeconds;
    // With tracing on, the worker's attempt continues the trace that created (or re-enqueued) the job.
    const signed = {
      jobId: job.id,
      tenantId: job.tenantId,
      task: job.taskName,
      params: job.params,
      ...(runningLimit === undefined ? {} : { runningLimit }),
    };
    return {
      ...signed,
      signature: signPayload(this.config.security.payloadSigningSecret, signed),
      plan: job.plan,
      correlationId: job.correlationId,
      maxAttempts: job.maxAttempts,
      timeLimitSeconds,
      expiresAt: job.expiresAt ? job.expiresAt.toISOString() : null,
      ...(traceparent ? { traceparent } : {}),
    };
  }
}
