import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JobRepository } from '@validahub/jobs-persistence';
import { JobQueues } from '@validahub/jobs-queueing';
import { GATEWAY_OPTIONS, ResolvedGatewayOptions } from '../gateway-options';
import { viaRedis } from '../http/dependency-errors';
import { JobsService } from '../jobs/jobs.service';
import { GatewayMetrics } from '../metrics/gateway-metrics';

const BATCH = 500;

export interface ReconcileReport {
  checked: number;
  enqueued: number;
  expired: number;
}

/**
 * Closes the gap between "stored" and "enqueued": a job accepted while Redis was down (or
 * whose queue entry Redis lost) is enqueued again; one past its expiry is expired instead.
 * Safe with several replicas: the BullMQ job id is the job id, so a double enqueue is a no-op,
 * and expiry is a guarded transition. Retrying jobs are left to the worker runtime's BullMQ
 * retries (re-enqueueing them would restart their attempt count).
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions,
    private readonly jobs: JobRepository,
    private readonly queues: JobQueues,
    private readonly service: JobsService,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.reconcileIntervalMs <= 0) return;
    const tick = () => {
      if (this.stopped) return;
      this.running = this.reconcileOnce()
        .catch((error) => this.logger.warn({ err: error }, 'reconcile pass failed; will retry'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.reconcileIntervalMs);
        });
    };
    tick();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  async reconcileOnce(now = new Date()): Promise<ReconcileReport> {
    const waiting = await this.jobs.waitingJobs(new Date(now.getTime() - this.options.reconcileMinAgeMs), BATCH);
    const report: ReconcileReport = { checked: waiting.length, enqueued: 0, expired: 0 };
    for (const job of waiting) {
      if (this.stopped) break;
      if (job.expiresAt && job.expiresAt <= now) {
        if (await this.jobs.expire(job.id, now)) {
          await viaRedis(() => this.queues.remove(job.plan, job.id)).catch(() => false);
          report.expired += 1;
          this.metrics.reconcilerActions.inc({ action: 'expired' });
          this.metrics.transitions.inc({ to_status: 'expired', actor: 'reconciler' });
        }
        continue;
      }
      const present = await viaRedis(() => this.queues.queue(job.plan).getJob(job.id));
      if (present) continue;
      if (await this.service.enqueue(job)) {
        report.enqueued += 1;
        this.metrics.reconcilerActions.inc({ action: 'enqueued' });
        this.logger.log({ job_id: job.id }, 're-enqueued a job missing from its queue');
      }
    }
    return report;
  }
}
