import { DataSource } from 'typeorm';
import { JobStatus } from '@validahub/jobs-domain';
import { JobEntity } from './entities/job.entity';
import { guardedTransition } from './transitions';

const UNFINISHED: readonly JobStatus[] = ['queued', 'retrying', 'running'];

/**
 * The reconciler's reads and writes on the job table, for every tenant (the API's
 * JobRepository always scopes by tenant; only the reconciler looks across them).
 */
export class UnfinishedJobs {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Non-terminal jobs untouched since `quietSince` (a running job that reports progress is
   * touched every few hundred milliseconds), oldest first.
   */
  async quietSince(quietSince: Date, limit: number): Promise<JobEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(JobEntity, 'job')
      .where('job.status IN (:...statuses)', { statuses: UNFINISHED })
      .andWhere('job.updatedAt < :quietSince', { quietSince })
      .orderBy('job.updatedAt', 'ASC')
      .limit(limit)
      .getMany();
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
