import { Check, Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { JOB_STATUSES, JobError, JobStatus, Plan, PLANS } from '@validahub/jobs-domain';
import { numericToNumber, sqlList } from './columns';

/** One job: the durable record; Redis only carries work in flight. Mirrors migration CreateJobs. */
@Entity({ name: 'jobs' })
@Check('jobs_status_check', `status IN (${sqlList(JOB_STATUSES)})`)
@Check('jobs_plan_check', `plan IN (${sqlList(PLANS)})`)
@Check('jobs_priority_check', 'priority BETWEEN 1 AND 10')
@Check('jobs_progress_check', 'progress >= 0 AND progress <= 100')
@Check('jobs_attempts_check', 'attempts >= 0 AND max_attempts >= 1')
@Index('jobs_tenant_created_idx', ['tenantId', 'createdAt', 'id'])
// The *_list_idx ones also INCLUDE the other two filters' columns (see ListKeysetIndexes1768500000000).
@Index('jobs_tenant_status_list_idx', ['tenantId', 'status', 'createdAt', 'id'])
@Index('jobs_tenant_task_list_idx', ['tenantId', 'taskName', 'createdAt', 'id'])
@Index('jobs_tenant_plan_list_idx', ['tenantId', 'plan', 'createdAt', 'id'])
export class JobEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** The owning tenant (`tenants.id`; the anonymous tenant for open mode and jobs from before tenancy). */
  @Column({ name: 'tenant_id', type: 'uuid' })
  tenantId!: string;

  @Column({ name: 'task_name', type: 'varchar', length: 64 })
  taskName!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: JobStatus;

  @Column({ type: 'numeric', precision: 5, scale: 2, default: 0, transformer: numericToNumber })
  progress!: number;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'jsonb' })
  params!: Record<string, unknown>;

  @Column({ type: 'smallint' })
  priority!: number;

  @Column({ type: 'varchar', length: 16 })
  plan!: Plan;

  @Column({ type: 'varchar', length: 64 })
  queue!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'max_attempts', type: 'integer' })
  maxAttempts!: number;

  @Column({ name: 'correlation_id', type: 'varchar', length: 128 })
  correlationId!: string;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 255, nullable: true })
  idempotencyKey!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  error!: JobError | null;

  @Column({ name: 'result_ref', type: 'text', nullable: true })
  resultRef!: string | null;

  @Column({ type: 'jsonb', nullable: true })
  summary!: Record<string, unknown> | null;

  /** The job's place in its tenant's own backlog at creation (set by the gateway's usage trigger; null without it). */
  @Column({ name: 'fair_rank', type: 'integer', nullable: true })
  fairRank!: number | null;

  /** When the retention purge removed the stored result (`410 result-expired` from then on). */
  @Column({ name: 'result_expired_at', type: 'timestamptz', nullable: true })
  resultExpiredAt!: Date | null;

  @Column({ name: 'cancel_requested', type: 'boolean', default: false })
  cancelRequested!: boolean;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;

  @Column({ name: 'started_at', type: 'timestamptz', nullable: true })
  startedAt!: Date | null;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** The template this job was made from (`POST /jobs {template}`), and which of its versions. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  template!: string | null;

  @Column({ name: 'template_version', type: 'integer', nullable: true })
  templateVersion!: number | null;

  /** The workflow and step this job runs; null for a job created on its own. */
  @Column({ name: 'workflow_id', type: 'uuid', nullable: true })
  workflowId!: string | null;

  @Column({ name: 'step_id', type: 'varchar', length: 64, nullable: true })
  stepId!: string | null;

  /** The job this one retries (`POST /jobs/{id}/retry`). */
  @Column({ name: 'retry_of', type: 'uuid', nullable: true })
  retryOf!: string | null;

  /** The schedule whose fire created this job. */
  @Column({ name: 'schedule_id', type: 'uuid', nullable: true })
  scheduleId!: string | null;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
