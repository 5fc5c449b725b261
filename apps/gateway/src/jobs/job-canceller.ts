import { Inject, Injectable } from '@nestjs/common';
import type { RedisClient } from '@validahub/jobs-queueing';
import { AppConfig } from '@validahub/config';
import { isTerminal } from '@validahub/jobs-domain';
import { JobEntity, JobRepository } from '@validahub/jobs-persistence';
import { JobQueues, publishCancel } from '@validahub/jobs-queueing';
import { GATEWAY_CONFIG, PRODUCER_REDIS } from '../gateway.tokens';
import { viaRedis } from '../http/dependency-errors';
import { problems } from '../http/problem';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { RequestContext } from './request-context';

export interface CancelResult {
  /** 200: cancelled at once; 202: the worker running it was asked to stop. */
  httpStatus: 200 | 202;
  job: JobEntity;
}

const REASON = 'cancelled by client';

/**
 * Best-effort cancel. A waiting job leaves its queue and becomes cancelled at once; a job a
 * worker holds is flagged and the workers are told over pub/sub. Races (a worker picks the
 * job up while we cancel) are settled by re-reading the job and trying the other path once.
 */
@Injectable()
export class JobCanceller {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly jobs: JobRepository,
    private readonly queues: JobQueues,
    @Inject(PRODUCER_REDIS) private readonly redis: RedisClient,
    private readonly metrics: GatewayMetrics,
  ) {}

  async cancel(job: JobEntity, context: RequestContext, retried = false): Promise<CancelResult> {
    if (isTerminal(job.status)) {
      throw problems.conflict('job-not-cancellable', `Job ${job.id} is already ${job.status}.`, { job_status: job.status });
    }
    if (job.status === 'running') return this.askWorker(job, context);

    const removed = await viaRedis(() => this.queues.remove(job.plan, job.id));
    if (!removed && (await this.heldByWorker(job))) return this.askWorker(job, context);
    const outcome = await this.jobs.cancelWaiting(context.tenantId, job.id, 'api', REASON);
    if (outcome.kind === 'cancelled' && outcome.job) {
      this.metrics.transitions.inc({ to_status: 'cancelled', actor: 'api' });
      return { httpStatus: 200, job: outcome.job };
    }
    if (!outcome.job) throw problems.notFound(`Job ${job.id} not found.`);
    if (retried)
      throw problems.conflict('job-not-cancellable', `Job ${job.id} changed while cancelling; it is ${outcome.job.status}.`, {
        job_status: outcome.job.status,
      });
    return this.cancel(outcome.job, context, true);
  }

  /** The BullMQ job is active: a worker has it even if its `started` event is not applied yet. */
  private async heldByWorker(job: JobEntity): Promise<boolean> {
    const state = await viaRedis(async () => (await this.queues.queue(job.plan).getJob(job.id))?.getState());
    return state === 'active';
  }

  private async askWorker(job: JobEntity, context: RequestContext): Promise<CancelResult> {
    const flagged = await this.jobs.requestCancel(context.tenantId, job.id, ['queued', 'retrying', 'running']);
    if (!flagged) {
      const now = await this.jobs.findById(context.tenantId, job.id);
      if (!now) throw problems.notFound(`Job ${job.id} not found.`);
      throw problems.conflict('job-not-cancellable', `Job ${job.id} is already ${now.status}.`, { job_status: now.status });
    }
    await viaRedis(() => publishCancel(this.redis, this.config.connections.queuePrefix, { jobId: job.id, reason: REASON }));
    return { httpStatus: 202, job: flagged };
  }
}
