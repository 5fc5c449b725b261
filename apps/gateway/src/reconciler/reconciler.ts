import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, Optional } from '@nestjs/common';
import { JobEntity, LeaderLock, UnfinishedJobs, UnfinishedKind } from '@validahub/jobs-persistence';
import { JobQueues } from '@validahub/jobs-queueing';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { GATEWAY_OPTIONS, RECONCILER_LEADER_LOCK } from '../gateway.tokens';
import { viaRedis } from '../http/dependency-errors';
import { JobEnqueuer } from '../jobs/job-enqueuer';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { WorkflowRepair } from '../workflows/workflow-repair';
import { KindCursor } from './kind-cursor';

/** Jobs of each kind checked per pass: a budget of their own, so neither kind can crowd out the other. */
export const PASS_BUDGET: Readonly<Record<UnfinishedKind, number>> = { started: 500, queued: 500 };

export interface ReconcileReport {
  /** False when another replica leads: this one did nothing. */
  leader: boolean;
  checked: number;
  enqueued: number;
  expired: number;
  cancelled: number;
  /** Running workflows moved on that were owed a step (see WorkflowRepair). */
  workflowsRepaired?: number;
}

/** The part of LeaderLock the reconciler uses (tests hand in their own). */
export type ReconcilerLeadership = Pick<LeaderLock, 'acquire' | 'release'>;

/**
 * Closes the gaps between Postgres (the record) and Redis (work in flight):
 * - a queued job whose enqueue never happened (gateway died after the insert, Redis down) is
 *   enqueued;
 * - a retrying or running job whose BullMQ job vanished (FLUSHALL, Redis restarted without
 *   persistence) is enqueued again with `attemptBase` = its attempts, so attempt numbers keep
 *   growing; it is only done when two checks in a row saw the same job missing and untouched,
 *   so an applier that is briefly behind (job completed, event not yet applied) is not mistaken
 *   for a loss; a lost job whose cancel was requested ends `cancelled` instead;
 * - a queued or retrying job past `expires_at` becomes `expired` and leaves its queue, whether
 *   or not any worker serves that queue.
 * Started and queued jobs are read apart, each with its own budget per pass and its own cursor
 * that pages on through a backlog larger than the budget, so every unfinished job is checked
 * within a few passes and a lost running job within one. One replica reconciles at a time (a
 * Postgres advisory lock); were two to overlap, nothing breaks: the BullMQ job id is the job id
 * (a double enqueue is a no-op) and every status change is a guarded transition.
 */
@Injectable()
export class Reconciler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Reconciler');
  private readonly cursors = { started: new KindCursor(), queued: new KindCursor() };
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private leading = false;

  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: ResolvedGatewayOptions,
    private readonly unfinished: UnfinishedJobs,
    private readonly queues: JobQueues,
    private readonly enqueuer: JobEnqueuer,
    private readonly metrics: GatewayMetrics,
    @Inject(RECONCILER_LEADER_LOCK) private readonly leadership: ReconcilerLeadership,
    @Optional() private readonly workflows?: WorkflowRepair,
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
    await this.leadership.release();
  }

  async reconcileOnce(now = new Date()): Promise<ReconcileReport> {
    const report: ReconcileReport = { leader: false, checked: 0, enqueued: 0, expired: 0, cancelled: 0 };
    report.leader = await this.leadership.acquire();
    if (report.leader !== this.leading)
      this.logger.log({ leader: report.leader }, report.leader ? 'reconciling (this replica leads)' : 'another replica reconciles');
    this.leading = report.leader;
    if (!report.leader) return report;
    const quietSince = new Date(now.getTime() - this.options.reconcileMinAgeMs);
    // Started jobs first: a lost running job is work that stopped.
    for (const kind of ['started', 'queued'] as const) {
      const cursor = this.cursors[kind];
      const page = await this.unfinished.quietPage(kind, quietSince, cursor.position, PASS_BUDGET[kind]);
      report.checked += page.jobs.length;
      for (const job of page.jobs) {
        if (this.stopped) break;
        await this.check(job, now, report, cursor);
      }
      cursor.advance(page);
    }
    if (this.workflows && !this.stopped) report.workflowsRepaired = await this.workflows.repair(quietSince);
    return report;
  }

  private async check(job: JobEntity, now: Date, report: ReconcileReport, cursor: KindCursor): Promise<void> {
    const state = await viaRedis(async () => (await this.queues.queue(job.plan).getJob(job.id))?.getState() ?? null);
    const lost = cursor.checked(job, state === null);
    if (job.status !== 'running' && job.expiresAt && job.expiresAt <= now && state !== 'active') {
      if (await this.expire(job, now)) report.expired += 1;
      return;
    }
    if (state !== null) return;
    if (job.status === 'queued') {
      if (await this.reenqueue(job, 'enqueued', 're-enqueued a job missing from its queue')) report.enqueued += 1;
      return;
    }
    if (!lost) return;
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
