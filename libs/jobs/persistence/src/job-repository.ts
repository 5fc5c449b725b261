import { DataSource, EntityManager } from 'typeorm';
import { JobStatus } from '@validahub/jobs-domain';
import { JobEntity } from './entities/job.entity';
import { JobEventActor, JobEventEntity } from './entities/job-event.entity';
import { insertAuditRowsSql } from './audit-rows';
import { cappedTotal, jobListStatement } from './job-list-query';
import { JobListFilter, JobPage, NewJob } from './job-records';
import { UnnestColumns, unnestRows } from './sql/parameters';
import { entityFromRow } from './sql/raw-rows';
import { guardedTransition } from './transitions';

export interface CreateJobOptions {
  /** Runs inside the creating transaction (e.g. to record an idempotency key atomically). */
  within?: (manager: EntityManager, job: JobEntity) => Promise<void>;
}

export interface CancelOutcome {
  kind: 'cancelled' | 'not-found' | 'not-cancellable';
  job: JobEntity | null;
}

/** What a create inserts per job; the other columns start at their queued values. */
const NEW_JOB_COLUMNS = {
  id: ['uuid', 'id'],
  tenant_id: ['uuid', 'tenantId'],
  task_name: ['text', 'taskName'],
  params: ['jsonb', 'params'],
  priority: ['int', 'priority'],
  plan: ['text', 'plan'],
  queue: ['text', 'queue'],
  max_attempts: ['int', 'maxAttempts'],
  correlation_id: ['text', 'correlationId'],
  idempotency_key: ['text', 'idempotencyKey'],
  expires_at: ['timestamptz', 'expiresAt'],
  template: ['text', 'template'],
  template_version: ['int', 'templateVersion'],
  workflow_id: ['uuid', 'workflowId'],
  step_id: ['text', 'stepId'],
  retry_of: ['uuid', 'retryOf'],
  schedule_id: ['uuid', 'scheduleId'],
} as const satisfies UnnestColumns<NewJob>;
const NEW_JOB_COLUMN_NAMES = Object.keys(NEW_JOB_COLUMNS).join(', ');

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
   * gateway groups concurrent creates and batch creates through this. Results come back in
   * input order. With `within` (a batch's idempotency key) the statement runs in a transaction
   * with that work.
   */
  async createMany(jobs: readonly NewJob[], within?: (manager: EntityManager, created: JobEntity[]) => Promise<void>): Promise<JobEntity[]> {
    if (!within) return this.insertWithAudit(this.dataSource.manager, jobs);
    return this.dataSource.transaction(async (manager) => {
      const created = await this.insertWithAudit(manager, jobs);
      await within(manager, created);
      return created;
    });
  }

  /** The same insert inside a caller's transaction (a workflow step created with its step row). */
  async createWithin(manager: EntityManager, jobs: readonly NewJob[]): Promise<JobEntity[]> {
    return this.insertWithAudit(manager, jobs);
  }

  private async insertWithAudit(manager: EntityManager, jobs: readonly NewJob[]): Promise<JobEntity[]> {
    if (!jobs.length) return [];
    const source = unnestRows(jobs, NEW_JOB_COLUMNS, 't');
    const firstAudit = insertAuditRowsSql('job', {
      job_id: 'id',
      from_status: 'NULL',
      to_status: "'queued'",
      attempt: '0',
      progress: '0',
      message: "'accepted'",
      actor: "'api'",
      at: 'created_at',
    });
    const rows: Record<string, unknown>[] = await manager.query(
      `WITH job AS (
         INSERT INTO jobs (${NEW_JOB_COLUMN_NAMES}, status, progress, attempts, cancel_requested)
         SELECT ${NEW_JOB_COLUMN_NAMES}, 'queued', 0, 0, false FROM ${source.sql}
         RETURNING *),
       audit AS (${firstAudit})
       SELECT * FROM job`,
      source.params,
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

  /**
   * Newest first (ties broken by id so pages never overlap), by keyset after a cursor or by
   * offset, with the capped total of every job the filters match (see jobListStatement).
   */
  async list(filter: JobListFilter): Promise<JobPage<JobEntity>> {
    const { sql, params } = jobListStatement(filter);
    const rows: Record<string, unknown>[] = await this.dataSource.query(sql, params);
    const manager = this.dataSource.manager;
    const items = rows.filter((row) => row.id !== null).map((row) => entityFromRow(manager, JobEntity, row));
    return { items, ...cappedTotal((rows[0]?.list_total as number | undefined) ?? 0) };
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
