import { DataSource, EntityManager } from 'typeorm';
import { JobStatus } from '@validahub/jobs-domain';
import { JobEntity } from './entities/job.entity';
import { JobEventActor, JobEventEntity } from './entities/job-event.entity';
import { JobListFilter, JobPage, NewJob } from './job-records';
import { entityFromRow } from './raw-rows';
import { guardedTransition } from './transitions';

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

  /**
   * Inserts the job and its first audit row (null -> queued) in one statement: atomic on its
   * own, one round trip on the API's hottest path. With `within` (e.g. an idempotency key to
   * record alongside) the statement runs in a transaction with that work.
   */
  async create(job: NewJob, options: CreateJobOptions = {}): Promise<JobEntity> {
    if (!options.within) return (await this.insertWithAudit(this.dataSource.manager, [job]))[0];
    return this.dataSource.transaction(async (manager) => {
      const [created] = await this.insertWithAudit(manager, [job]);
      await options.within?.(manager, created);
      return created;
    });
  }

  /**
   * Inserts many jobs, each with its first audit row, in one statement (all or none): the
   * gateway groups concurrent creates through this. Results come back in input order.
   */
  async createMany(jobs: readonly NewJob[]): Promise<JobEntity[]> {
    return this.insertWithAudit(this.dataSource.manager, jobs);
  }

  private async insertWithAudit(manager: EntityManager, jobs: readonly NewJob[]): Promise<JobEntity[]> {
    if (!jobs.length) return [];
    const column = <T>(pick: (job: NewJob) => T) => jobs.map(pick);
    const rows: Record<string, unknown>[] = await manager.query(
      `WITH job AS (
         INSERT INTO jobs (id, tenant_id, task_name, status, progress, params, priority, plan, queue,
                           attempts, max_attempts, correlation_id, idempotency_key, cancel_requested, expires_at)
         SELECT id, tenant_id, task_name, 'queued', 0, params, priority, plan, queue,
                0, max_attempts, correlation_id, idempotency_key, false, expires_at
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::int[], $6::text[], $7::text[],
                       $8::int[], $9::text[], $10::text[], $11::timestamptz[])
             AS t(id, tenant_id, task_name, params, priority, plan, queue, max_attempts, correlation_id, idempotency_key, expires_at)
         RETURNING *),
       audit AS (
         INSERT INTO job_events (job_id, from_status, to_status, attempt, progress, message, actor, at)
         SELECT id, NULL, 'queued', 0, 0, 'accepted', 'api', created_at FROM job)
       SELECT * FROM job`,
      [
        column((j) => j.id), column((j) => j.tenantId), column((j) => j.taskName), column((j) => JSON.stringify(j.params)),
        column((j) => j.priority), column((j) => j.plan), column((j) => j.queue), column((j) => j.maxAttempts),
        column((j) => j.correlationId), column((j) => j.idempotencyKey), column((j) => j.expiresAt),
      ],
    );
    const byId = new Map(rows.map((row) => [row.id as string, entityFromRow(manager, JobEntity, row)]));
    return jobs.map((job) => {
      const created = byId.get(job.id);
      if (!created) throw new Error(`job ${job.id} was not returned by its insert`);
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
}
