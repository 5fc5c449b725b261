import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES, JobError, JobStatus, PLANS } from '@validahub/jobs-domain';
import { JobEntity, JobEventEntity } from '@validahub/jobs-persistence';

// Wire shapes of the contract (snake_case, ISO-8601 UTC). The classes double as OpenAPI schemas.

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

export class JobErrorView {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiProperty() retryable!: boolean;
}

export class CreatedJobView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() task_name!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiProperty() progress!: number;
  @ApiProperty() priority!: number;
  @ApiProperty({ enum: PLANS }) plan!: string;
  @ApiProperty() queue!: string;
  @ApiProperty() correlation_id!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class JobView extends CreatedJobView {
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty() attempts!: number;
  @ApiProperty() max_attempts!: number;
  @ApiProperty({ nullable: true, type: String }) idempotency_key!: string | null;
  @ApiProperty({ nullable: true, type: JobErrorView }) error!: JobError | null;
  @ApiProperty({ nullable: true, type: String }) result_ref!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) summary!: Record<string, unknown> | null;
  @ApiProperty() cancel_requested!: boolean;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) started_at!: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) finished_at!: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) expires_at!: string | null;
}

export class JobListView {
  @ApiProperty({ type: [JobView] }) items!: JobView[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class JobResultView {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ enum: ['succeeded'] }) status!: 'succeeded';
  @ApiProperty({ nullable: true, type: String }) result_ref!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) summary!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finished_at!: string | null;
}

export class JobEventView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: JOB_STATUSES, nullable: true }) from_status!: JobStatus | null;
  @ApiProperty({ enum: JOB_STATUSES }) to_status!: JobStatus;
  @ApiPropertyOptional({ nullable: true, type: Number }) progress!: number | null;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty() attempt!: number;
  @ApiProperty({ enum: ['api', 'worker', 'reconciler'] }) actor!: string;
}

export class JobEventListView {
  @ApiProperty({ type: [JobEventView] }) items!: JobEventView[];
}

export function toCreatedView(job: JobEntity): CreatedJobView {
  return {
    id: job.id,
    task_name: job.taskName,
    status: job.status,
    progress: job.progress,
    priority: job.priority,
    plan: job.plan,
    queue: job.queue,
    correlation_id: job.correlationId,
    created_at: job.createdAt.toISOString(),
  };
}

export function toJobView(job: JobEntity): JobView {
  return {
    id: job.id,
    task_name: job.taskName,
    status: job.status,
    progress: job.progress,
    message: job.message,
    params: job.params,
    priority: job.priority,
    plan: job.plan,
    queue: job.queue,
    attempts: job.attempts,
    max_attempts: job.maxAttempts,
    correlation_id: job.correlationId,
    idempotency_key: job.idempotencyKey,
    error: job.error,
    result_ref: job.resultRef,
    summary: job.summary,
    cancel_requested: job.cancelRequested,
    created_at: job.createdAt.toISOString(),
    started_at: iso(job.startedAt),
    finished_at: iso(job.finishedAt),
    expires_at: iso(job.expiresAt),
  };
}

export function toResultView(job: JobEntity): JobResultView {
  return { job_id: job.id, status: 'succeeded', result_ref: job.resultRef, summary: job.summary, finished_at: iso(job.finishedAt) };
}

export function toEventView(event: JobEventEntity): JobEventView {
  return {
    at: event.at.toISOString(),
    from_status: event.fromStatus,
    to_status: event.toStatus,
    progress: event.progress,
    message: event.message,
    attempt: event.attempt,
    actor: event.actor,
  };
}
