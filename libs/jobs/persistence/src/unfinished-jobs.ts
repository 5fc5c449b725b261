import { DataSource, SelectQueryBuilder } from 'typeorm';
import { JobEntity } from './entities/job.entity';
import { guardedTransition } from './transitions';

/**
 * The reconciler's two kinds of unfinished job, read and budgeted apart so that a backlog of
 * one cannot hide the other: `started` (running, retrying: a lost one means work that stopped)
 * and `queued`. Status lists are written out so the planner matches them to the partial indexes.
 */
const KIND_FILTER = {
  started: `job.status IN ('running', 'retrying')`,
  queued: `job.status = 'queued'`,
} as const;
export type UnfinishedKind = keyof typeof KIND_FILTER;

/** Where a page ended: `updated_at` as Postgres prints it (microseconds kept: a JS Date would drop them) and the id. */
export interface PageKey {
  at: string;
  id: string;
}

export interface QuietPage {
  jobs: JobEntity[];
  /** The key to continue after; null when this page reached the end. */
  next: PageKey | null;
}

/**
 * The reconciler's reads and writes on the job table, for every tenant (the API's
 * JobRepository always scopes by tenant; only the reconciler looks across them).
 */
export class UnfinishedJobs {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Up to `limit` jobs of one kind untouched since `quietSince` (a running job that reports
   * progress is touched every few hundred milliseconds), oldest first by (updated_at, id),
   * after `after`: an index scan on that kind's partial index, wherever the page starts.
   */
  async quietPage(kind: UnfinishedKind, quietSince: Date, after: PageKey | null, limit: number): Promise<QuietPage> {
    const { entities, raw } = await this.quietPageQuery(kind, quietSince, after, limit).getRawAndEntities();
    const last = raw.at(-1) as { page_at: string; job_id: string } | undefined;
    return { jobs: entities, next: entities.length === limit && last ? { at: last.page_at, id: last.job_id } : null };
  }

  /** The query quietPage runs (public so its plan can be checked with EXPLAIN). */
  quietPageQuery(kind: UnfinishedKind, quietSince: Date, after: PageKey | null, limit: number): SelectQueryBuilder<JobEntity> {
    const query = this.dataSource.manager
      .createQueryBuilder(JobEntity, 'job')
      .addSelect('job.updated_at::text', 'page_at')
      .where(KIND_FILTER[kind])
      .andWhere('job.updated_at < :quietSince', { quietSince });
    if (after) query.andWhere('(job.updated_at, job.id) > (:afterAt::timestamptz, :afterId::uuid)', { afterAt: after.at, afterId: after.id });
    return query.orderBy('job.updated_at', 'ASC').addOrderBy('job.id', 'ASC').limit(limit);
  }

  /** queued/retrying -> expired (guarded); false when the job moved on meanwhile. */
  async expire(id: string, at: Date): Promise<boolean> {
    return this.dataSource.transaction((manager) =>
      guardedTransition(manager, {
        jobId: id,
        from: ['queued', 'retrying'],
        to: 'expired',
        at,
        message: 'expired before it started',
        actor: 'reconciler',
        changes: { finishedAt: at },
      }),
    );
  }

  /** A job whose cancel was requested and whose queue entry is gone ends cancelled instead of running again. */
  async cancelLost(job: JobEntity, at: Date): Promise<boolean> {
    return this.dataSource.transaction((manager) =>
      guardedTransition(manager, {
        jobId: job.id,
        from: [job.status],
        to: 'cancelled',
        at,
        message: 'cancelled by client (its worker and queue entry were lost)',
        actor: 'reconciler',
        changes: { finishedAt: at },
      }),
    );
  }
}
