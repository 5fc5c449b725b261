import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { JobStatus } from '@validahub/jobs-domain';
import { JobEntity } from './entities/job.entity';
import { JobEventActor, JobEventEntity } from './entities/job-event.entity';
import { JobListFilter, JobPage, NewJob } from './job-records';
import { guardedTransition, insertAuditRow } from './transitions';

export interface CreateJobOptions {
  /** Runs inside the creating transaction (e.g. to record an idempotency key atomically). */
  within?: (manager: EntityManager, job: JobEntity) => Promise<void>;
}

export interface CancelOutcome {
  kind: 'cancelled' | 'not-found' | 'not-cancellable';
  job: JobEntity | null;
}

/** The gateway's reads and writes of jobs; every API-facing query is scoped by tenant. */
export class JobRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the job and its first audit row (null -> queued) in one transaction. */
  async create(job: NewJob, options: CreateJobOptions = {}): Promise<JobEntity> {
    return this.dataSource.transaction(async (manager) => {
      const row = manager.create(JobEntity, { ...job, status: 'queued', progress: 0, attempts: 0, cancelRequested: false });
      // TypeORM's deep-partial type cannot express a jsonb column of unknown values; the row is whole.
      await manager.insert(JobEntity, row as QueryDeepPartialEntity<JobEntity>);
      const created = await manager.findOneByOrFail(JobEntity, { id: job.id });
      await insertAuditRow(manager, {
        jobId: job.id,
        from: null,
        to: 'queued',
        attempt: 0,
        progress: 0,
        message: 'accepted',
        actor: 'api',
        at: created.createdAt,
      });
      if (options.within) await options.within(manager, created);
      return created;
    });
  }

  async findById(tenantId: string, id: string): Promise<JobEntity | null> {
    return this.dataSource.manager.findOneBy(JobEntity, { id, tenantId });
  }

  /** Newest first (ties broken by id so pages never overlap), with the total before paging. */
  async list(filter: JobListFilter): Promise<JobPage<JobEntity>> {
    const query = this.dataSource.manager
      .createQueryBuilder(JobEntity, 'job')
      .where('job.tenantId = :tenantId', { tenantId: filter.tenantId });
    if (filter.status) query.andWhere('job.status = :status', { status: filter.status });
    if (filter.taskName) query.andWhere('job.taskName = :taskName', { taskName: filter.taskName });
    if (filter.plan) query.andWhere('job.plan = :plan', { plan: filter.plan });
    if (filter.createdAfter) query.andWhere('job.createdAt > :createdAfter', { createdAfter: filter.createdAfter });
    if (filter.createdBefore) query.andWhere('job.createdAt < :createdBefore', { createdBefore: filter.createdBefore });
    const [items, total] = await query
      .orderBy('job.createdAt', 'DESC')
      .addOrderBy('job.id', 'DESC')
      .limit(filter.limit)
      .offset(filter.offset)
      .getManyAndCount();
    return { items, total };
  }

  /** The audit trail, oldest first (ids are assigned in commit order per job). */
  async events(jobId: string): Promise<JobEventEntity[]> {
    return this.dataSource.manager.find(JobEventEntity, { where: { jobId }, order: { id: 'ASC' } });
  }

  /** queued/retrying -> cancelled at once; refuses any other status. */
  async cancelWaiting(tenantId: string, id: string, actor: JobEventActor, message: string): Promise<CancelOutcome> {
    return this.dataSource.transaction(async (manager) => {
      const job = await manager.findOne(JobEntity, { where: { id, tenantId }, lock: { mode: 'pessimistic_write' } });
      if (!job) return { kind: 'not-found', job: null };
      const moved = await guardedTransition(manager, {
        jobId: id,
        tenantId,
        from: ['queued', 'retrying'],
        to: 'cancelled',
        at: new Date(),
        message,
        actor,
        changes: { finishedAt: new Date() },
      });
      const after = await manager.findOneByOrFail(JobEntity, { id });
      return { kind: moved ? 'cancelled' : 'not-cancellable', job: after };
    });
  }

  /** Flags a job a worker holds so its cancellation is expected; null when it is in none of `statuses`. */
  async requestCancel(tenantId: string, id: string, statuses: readonly JobStatus[] = ['running']): Promise<JobEntity | null> {
    const result = await this.dataSource.manager
      .createQueryBuilder()
      .update(JobEntity)
      .set({ cancelRequested: true, updatedAt: () => 'now()' })
      .where('id = :id AND tenant_id = :tenantId AND status IN (:...statuses)', { id, tenantId, statuses })
      .execute();
    return result.affected ? this.findById(tenantId, id) : null;
  }

  /** Jobs waiting in `queued` since before `createdBefore`, oldest first (reconciler input; all tenants). */
  async waitingJobs(createdBefore: Date, limit: number): Promise<JobEntity[]> {
    return this.dataSource.manager
      .createQueryBuilder(JobEntity, 'job')
      .where('job.status = :status', { status: 'queued' satisfies JobStatus })
      .andWhere('job.createdAt < :createdBefore', { createdBefore })
      .orderBy('job.createdAt', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** queued/retrying -> expired, by the reconciler; false when the job moved on meanwhile. */
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
}
