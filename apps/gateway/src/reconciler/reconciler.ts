import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { JobEntity, UnfinishedJobs } from '@validahub/jobs-persistence';
import { JobQueues } from '@validahub/jobs-queueing';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { GATEWAY_OPTIONS } from '../gateway.tokens';
import { viaRedis } from '../http/dependency-errors';
import { JobEnqueuer } from '../jobs/job-enqueuer';
import { GatewayMetrics } from '../metrics/gateway-metrics';

const BATCH = 500;

export interface ReconcileReport {
  checked: number;
  enqueued: number;
  expired: number;
  cancelled: number;
}

/**
 * Closes the gaps between Postgres (the record) and Redis (work in flight):
 * - a queued job whose enqueue never happened (gateway died after the insert, Redis down) is
 *   enqueued;
 * - a retrying or running job whose BullMQ job vanished (FLUSHALL, Redis restarted without
 *   persistence) is enqueued again with `attemptBase` = its attempts, so attempt numbers keep
 *   growing; it is only done when two passes in a row saw the same job missing and untouched,
 *   so an applier that is briefly behind (job completed, event not yet applied) is not mistaken
 *   for a loss; a lost job whose cancel was requested ends `cancelled` instead;
 * - a queued or retrying job past `expires_at` becomes `expired` and leaves its queue, whether
 *   or not any worker serves that queue.
 * Safe with several replicas: the BullMQ job id is the job id (a double enqueue is a no-op) and
 * every status change is a guarded transition.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  /** Jobs seen missing from Redis in the last pass, with the `updated_at` they had then. */
  private suspects = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;

  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions,
    private readonly unfinished: UnfinishedJobs,
    private readonly queues: JobQueues,
    private readonly enqueuer: JobEnqueuer,
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
    const jobs = await this.unfinished.quietSince(new Date(now.getTime() - this.options.reconcileMinAgeMs), BATCH);
    const report: ReconcileReport = { checked: jobs.length, enqueued: 0, expired: 0, cancelled: 0 };
    const suspects = new Map<string, number>();
    for (const job of jobs) {
      if (this.stopped) break;
      const state = await viaRedis(async () => (await this.queues.queue(job.plan).getJob(job.id))?.getState() ?? null);
      if (job.status !== 'running' && job.expiresAt && job.expiresAt <= now && state !== 'active') {
        if (await this.expire(job, now)) report.expired += 1;
        continue;
      }
      if (state !== null) continue;
      if (job.status === 'queued') {
        if (await this.reenqueue(job, 'enqueued', 're-enqueued a job missing from its queue')) report.enqueued += 1;
        continue;
      }
      const seen = job.updatedAt.getTime();
      if (this.suspects.get(job.id) !== seen) {
        suspects.set(job.id, seen);
        continue;
      }
      if (job.cancelRequested) {
        if (await this.unfinished.cancelLost(job, now)) {
          report.cancelled += 1;
          this.metrics.reconcilerActions.inc({ action: 'cancelled' });
          this.metrics.transitions.inc({ to_status: 'cancelled', actor: 'reconciler' });
        }
      } else if (await this.reenqueue(job, 'recovered', `re-enqueued a ${job.status} job whose queue entry was lost`)) {
        report.enqueued += 1;
      }
    }
    this.suspects = suspects;
    return report;
  }

  private async expire(job: JobEntity, now: Date): Promise<boolean> {
    if (!(await this.unfinished.expire(job.id, now))) return false;
    await viaRedis(() => this.queues.remove(job.plan, job.id)).catch(() => false);
    this.metrics.reconcilerActions.inc({ action: 'expired' });
    this.metrics.transitions.inc({ to_status: 'expired', actor: 'reconciler' });
    return true;
  }

  /** Enqueues with the job's attempts so far as the numbering base (0 for a job that never ran). */
  private async reenqueue(job: JobEntity, action: 'enqueued' | 'recovered', message: string): Promise<boolean> {
    if (!(await this.enqueuer.enqueue(job, job.attempts))) return false;
    this.metrics.reconcilerActions.inc({ action });
    this.logger.log({ job_id: job.id, status: job.status, attempts: job.attempts }, message);
    return true;
  }
}
