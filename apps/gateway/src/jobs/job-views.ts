import { ApiProperty, ApiSchema, ApiPropertyOptional } from '@nestjs/swagger';
import { JOB_STATUSES, JobError, JobStatus, PLANS } from '@validahub/jobs-domain';
import { JobEntity, JobEventEntity } from '@validahub/jobs-persistence';

// Wire shapes of the contract (snake_case, ISO-8601 UTC). The classes double as OpenAPI schemas.

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

@ApiSchema({ name: 'JobError' })
export class JobErrorView {
  @ApiProperty({ example: 'input_not_found' }) code!: string;
  @ApiProperty({ example: 'No object at samples/missing.csv.' }) message!: string;
  @ApiProperty({ description: 'Whether the job was retried for it.', example: false }) retryable!: boolean;
}

@ApiSchema({ name: 'CreatedJob' })
export class CreatedJobView {
  @ApiProperty({ format: 'uuid', example: '550e8400-e29b-41d4-a716-446655440000' }) id!: string;
  @ApiProperty({ example: 'validate_csv_job' }) task_name!: string;
  @ApiProperty({ enum: JOB_STATUSES }) status!: JobStatus;
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Percent done (may be fractional).', example: 0 }) progress!: number;
  @ApiProperty({ minimum: 1, maximum: 10, description: 'Higher runs first within a queue.', example: 5 }) priority!: number;
  @ApiProperty({ enum: PLANS, example: 'pro' }) plan!: string;
  @ApiProperty({ example: 'queue-pro' }) queue!: string;
  @ApiProperty({ example: 'request-123' }) correlation_id!: string;
  @ApiProperty({ format: 'date-time', example: '2024-01-15T10:30:00.000Z' }) created_at!: string;
}

@ApiSchema({ name: 'Job' })
export class JobView extends CreatedJobView {
  @ApiProperty({ nullable: true, type: String, description: 'The latest progress message.', example: 'Validating 1500 rows' }) message!:
    string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The params as stored, defaults filled in.',
    example: { input_uri: 'samples/sample.csv', marketplace: 'mercado_livre', ruleset: 'default', auto_fix: false },
  })
  params!: Record<string, unknown>;
  @ApiProperty({ example: 1 }) attempts!: number;
  @ApiProperty({ example: 4 }) max_attempts!: number;
  @ApiProperty({ nullable: true, type: String }) idempotency_key!: string | null;
  @ApiProperty({ nullable: true, type: JobErrorView, description: 'Why the job failed; null otherwise.' }) error!: JobError | null;
  @ApiProperty({ nullable: true, type: String, example: 'results/550e8400-e29b-41d4-a716-446655440000.json' }) result_ref!: string | null;
  @ApiProperty({
    nullable: true,
    type: 'object',
    additionalProperties: true,
    description: 'CSV jobs: rows_total, rows_valid, rows_invalid, errors, warnings, fixes_applied, report_ref, corrected_ref, ...',
    example: { rows_total: 5, rows_valid: 4, rows_invalid: 1, errors: 1, warnings: 0, fixes_applied: 0 },
  })
  summary!: Record<string, unknown> | null;
  @ApiProperty({ example: false }) cancel_requested!: boolean;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) started_at!: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) finished_at!: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) expires_at!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'The template it was made from.' }) template!: string | null;
  @ApiProperty({ nullable: true, type: Number }) template_version!: number | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The workflow it is a step of.' }) workflow_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) step_id!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The job it retries.' }) retry_of!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The schedule that created it.' }) schedule_id!: string | null;
}

@ApiSchema({ name: 'JobList' })
export class JobListView {
  @ApiProperty({ type: [JobView] }) items!: JobView[];
  @ApiProperty({
    description: 'Matching jobs in all pages: exact up to 10,000; past that, 10,000 with `total_is_lower_bound: true`.',
    example: 1,
  })
  total!: number;
  @ApiProperty({ description: 'True when more jobs match than `total` says (it is then the 10,000 cap).', example: false })
  total_is_lower_bound!: boolean;
  @ApiProperty({ example: 20 }) limit!: number;
  @ApiProperty({ example: 0 }) offset!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.' }) next_cursor!:
    string | null;
}

@ApiSchema({ name: 'JobResult' })
export class JobResultView {
  @ApiProperty({ format: 'uuid' }) job_id!: string;
  @ApiProperty({ enum: ['succeeded'] }) status!: 'succeeded';
  @ApiProperty({ nullable: true, type: String }) result_ref!: string | null;
  @ApiProperty({ nullable: true, type: 'object', additionalProperties: true }) summary!: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finished_at!: string | null;
}

@ApiSchema({ name: 'JobEvent' })
export class JobEventView {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ enum: JOB_STATUSES, nullable: true }) from_status!: JobStatus | null;
  @ApiProperty({ enum: JOB_STATUSES }) to_status!: JobStatus;
  @ApiPropertyOptional({ nullable: true, type: Number }) progress!: number | null;
  @ApiProperty({ nullable: true, type: String }) message!: string | null;
  @ApiProperty({ example: 1 }) attempt!: number;
  @ApiProperty({ enum: ['api', 'worker', 'reconciler'] }) actor!: string;
}

@ApiSchema({ name: 'JobEventList' })
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
    template: job.template ?? null,
    template_version: job.templateVersion ?? null,
    workflow_id: job.workflowId ?? null,
    step_id: job.stepId ?? null,
    retry_of: job.retryOf ?? null,
    schedule_id: job.scheduleId ?? null,
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
