import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { isTerminal, JobPayload, JobStatus, PLAN_SETTINGS, Plan, queueForPlan, TaskRegistry } from '@validahub/jobs-domain';
import { CreateJobOptions, JobEntity, JobEventEntity, JobRepository, NewJob } from '@validahub/jobs-persistence';
import { EnqueueOptions, JobQueues } from '@validahub/jobs-queueing';
import { MicroBatcher } from '../infra/micro-batcher';
import { ObjectStorage, parseStorageUri, StorageUriError, type StorageUriPolicy } from '@validahub/storage';
import { GATEWAY_CONFIG, OBJECT_STORAGE, STORAGE_URI_POLICY } from '../gateway-options';
import { ResultContent, ResultPart, resultUriFor, viaStorage } from './result-content';
import { problems } from '../http/problem';
import { viaRedis } from '../http/dependency-errors';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { CreateJobDto } from './create-job.dto';
import { DEFAULT_LIMIT, ListJobsQuery } from './list-jobs.query';
import { JobCanceller, CancelResult } from './job-canceller';
import { RequestContext } from './request-context';
import { crashIfTestHookDue } from '../reconciler/crash-after-insert';

export interface CreateOptions extends CreateJobOptions {
  /** The validated idempotency key (header or body) to store on the job. Default: the body's. */
  idempotencyKey?: string;
}

@Injectable()
export class JobsService {
  private readonly logger = new Logger('JobsService');
  private readonly inserts = new MicroBatcher<NewJob, JobEntity>((jobs) => this.jobs.createMany(jobs));
  private readonly enqueues = new MicroBatcher<{ payload: JobPayload; options: EnqueueOptions }, void>(async (items) => {
    await this.queues.enqueueMany(items);
    return items.map(() => undefined);
  });

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    private readonly jobs: JobRepository,
    private readonly queues: JobQueues,
    private readonly canceller: JobCanceller,
    private readonly metrics: GatewayMetrics,
    @Inject(STORAGE_URI_POLICY) private readonly storagePolicy: StorageUriPolicy,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  /**
   * Validates, stores the job with its first audit row, then enqueues it. A failed enqueue
   * (Redis down) still answers 202: the job is durably accepted and the reconciler enqueues it.
   * `options.within` runs inside the creating transaction (e.g. completing an idempotency key).
   */
  async create(dto: CreateJobDto, context: RequestContext, options: CreateOptions = {}): Promise<JobEntity> {
    const found = this.registry.lookup(dto.task);
    if (!found.ok) {
      const detail = found.reason === 'unknown'
        ? `Unknown task "${dto.task}". Known tasks: ${found.known.join(', ')}.`
        : `Task "${dto.task}" is not available in this release. Available tasks: ${found.known.join(', ')}.`;
      throw problems.validation([{ field: 'task', message: detail }], detail);
    }
    const task = found.task;
    const parsed = task.parseParams(dto.params);
    if (!parsed.ok) throw problems.validation(parsed.errors, `Invalid params for ${task.name}.`);
    this.checkInputUri(parsed.value);

    const plan: Plan = dto.plan ?? 'free';
    const priority = dto.priority ?? PLAN_SETTINGS[plan].defaultPriority;
    const { execution } = this.config;
    // A task's own retry rule is part of its correctness; a plan's override tunes the rest.
    const maxRetries = task.defaults.maxRetries ?? execution.maxRetriesByPlan[plan] ?? execution.maxRetries;
    const ttlSeconds = execution.jobTtlSecondsByPlan[plan] ?? execution.jobTtlSeconds;
    const newJob: NewJob = {
      id: randomUUID(),
      tenantId: context.tenantId,
      taskName: task.name,
      params: parsed.value as Record<string, unknown>,
      priority,
      plan,
      queue: queueForPlan(plan),
      maxAttempts: 1 + maxRetries,
      correlationId: context.correlationId,
      idempotencyKey: options.idempotencyKey ?? dto.idempotency_key ?? null,
      expiresAt: new Date(Date.now() + ttlSeconds * 1_000),
    };
    // Creates without an idempotency key share one insert statement with their neighbours.
    const job = options.within ? await this.jobs.create(newJob, options) : await this.inserts.submit(newJob);
    this.metrics.jobsCreated.inc({ task: job.taskName, plan: job.plan });
    this.metrics.transitions.inc({ to_status: 'queued', actor: 'api' });
    crashIfTestHookDue(this.config);
    await this.enqueue(job);
    return job;
  }

  /** Refuses at create time an input the worker could never read (outside the storage root or allowed buckets). */
  private checkInputUri(params: unknown): void {
    const uri = (params as { input_uri?: unknown }).input_uri;
    if (typeof uri !== 'string') return;
    try {
      parseStorageUri(uri, this.storagePolicy);
    } catch (error) {
      if (!(error instanceof StorageUriError)) throw error;
      throw problems.validation([{ field: 'params.input_uri', message: error.message }], `Invalid params.input_uri (${error.reason}).`);
    }
  }

  /** Puts a stored job on its plan's queue; false (logged) when Redis refused. Idempotent by job id. */
  async enqueue(job: JobEntity, attemptBase = 0): Promise<boolean> {
    try {
      const payload = attemptBase > 0 ? { ...this.payloadOf(job), attemptBase } : this.payloadOf(job);
      await viaRedis(() => this.enqueues.submit({ payload, options: { priority: job.priority } }));
      return true;
    } catch (error) {
      this.metrics.enqueueFailures.inc({ plan: job.plan });
      this.logger.warn({ job_id: job.id, correlation_id: job.correlationId, err: error }, 'enqueue failed; the reconciler will retry');
      return false;
    }
  }

  payloadOf(job: JobEntity): JobPayload {
    const task = this.registry.lookup(job.taskName);
    const timeLimitSeconds = (task.ok ? task.task.defaults.timeLimitSeconds : undefined) ?? this.config.execution.taskTimeLimitSeconds;
    return {
      jobId: job.id,
      task: job.taskName,
      params: job.params,
      plan: job.plan,
      correlationId: job.correlationId,
      maxAttempts: job.maxAttempts,
      timeLimitSeconds,
      expiresAt: job.expiresAt ? job.expiresAt.toISOString() : null,
    };
  }

  async get(id: string, context: RequestContext): Promise<JobEntity> {
    const job = await this.jobs.findById(context.tenantId, id);
    if (!job) throw problems.notFound(`Job ${id} not found.`);
    return job;
  }

  async list(query: ListJobsQuery, context: RequestContext) {
    if (query.task !== undefined && !this.registry.names().includes(query.task)) {
      throw problems.validation([{ field: 'task', message: `unknown task; known tasks: ${this.registry.names().join(', ')}` }]);
    }
    const createdAfter = query.created_after ? new Date(query.created_after) : undefined;
    const createdBefore = query.created_before ? new Date(query.created_before) : undefined;
    if (createdAfter && createdBefore && createdAfter >= createdBefore) {
      throw problems.validation([{ field: 'created_after', message: 'must be earlier than created_before' }]);
    }
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const page = await this.jobs.list({
      tenantId: context.tenantId,
      status: query.status,
      taskName: query.task,
      plan: query.plan,
      createdAfter,
      createdBefore,
      limit,
      offset,
    });
    return { ...page, limit, offset };
  }

  async result(id: string, context: RequestContext): Promise<JobEntity> {
    const job = await this.get(id, context);
    if (job.status !== 'succeeded') throw notSucceeded(job.id, job.status);
    return job;
  }

  /** The stored result of a succeeded job, opened for streaming (or a presigned URL when configured). */
  async resultContent(id: string, context: RequestContext, part?: ResultPart): Promise<ResultContent> {
    const job = await this.result(id, context);
    const uri = resultUriFor(job, part);
    return viaStorage(async () => {
      if (this.config.storage.presignResults) {
        const url = await this.storage.presignGet(uri, 300);
        if (url) return { kind: 'redirect', url };
      }
      const opened = await this.storage.openRead(uri);
      return { kind: 'stream', opened, fileName: basename(uri) };
    }, id);
  }

  async events(id: string, context: RequestContext): Promise<JobEventEntity[]> {
    await this.get(id, context);
    return this.jobs.events(id);
  }

  async cancel(id: string, context: RequestContext): Promise<CancelResult> {
    const job = await this.get(id, context);
    return this.canceller.cancel(job, context);
  }
}

function notSucceeded(id: string, status: JobStatus) {
  const detail = isTerminal(status) ? `Job ${id} ended as ${status}; it has no result.` : `Job ${id} is ${status}; its result is not ready yet.`;
  return problems.conflict('job-not-succeeded', detail, { job_status: status });
}
