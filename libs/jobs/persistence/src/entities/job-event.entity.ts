import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JOB_STATUSES, JobStatus } from '@validahub/jobs-domain';
import { numericToNumber, sqlList } from './columns';
import { JobEntity } from './job.entity';

/** Who wrote an audit row. */
export type JobEventActor = 'api' | 'worker' | 'reconciler';

/** The audit trail: one row per status change, never updated. Mirrors migration CreateJobs. */
@Entity({ name: 'job_events' })
@Check('job_events_to_status_check', `to_status IN (${sqlList(JOB_STATUSES)})`)
@Index('job_events_job_idx', ['jobId', 'id'])
export class JobEventEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId!: string;

  @ManyToOne(() => JobEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'job_id', foreignKeyConstraintName: 'job_events_job_fk' })
  job?: JobEntity;

  @Column({ name: 'from_status', type: 'varchar', length: 16, nullable: true })
  fromStatus!: JobStatus | null;

  @Column({ name: 'to_status', type: 'varchar', length: 16 })
  toStatus!: JobStatus;

  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'numeric', precision: 5, scale: 2, nullable: true, transformer: numericToNumber })
  progress!: number | null;

  @Column({ type: 'text', nullable: true })
  message!: string | null;

  @Column({ type: 'varchar', length: 32 })
  actor!: JobEventActor;

  @Column({ type: 'timestamptz' })
  at!: Date;
}
