import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { PLAN_SETTINGS, Plan, queueForPlan, TaskRegistry } from '@validahub/jobs-domain';
import { CreateJobOptions, JobEntity, JobRepository, NewJob } from '@validahub/jobs-persistence';
import { parseStorageUri, StorageUriError, type StorageUriPolicy } from '@validahub/storage';
import { GATEWAY_CONFIG, NEW_JOB_ENQUEUER, STORAGE_URI_POLICY } from '../gateway.tokens';
import { problems } from '../http/problem';
import { MicroBatcher } from '../infra/micro-batcher';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { CreateJobDto } from './create-job.dto';
import { deploymentParamErrors } from './deployment-params';
import type { NewJobEnqueuer } from './crash-after-insert';
import { RequestContext } from './request-context';

export interface CreateOptions extends CreateJobOptions {
  /** The validated idempotency key (header or body) to store on the job. Default: the body's. */
  idempotencyKey?: string;
}

/** Accepts a job: validates the request, stores the job with its first audit row, enqueues it. */
@Injectable()
export class JobCreator {
  private readonly inserts = new MicroBatcher<NewJob, JobEntity>((jobs) => this.jobs.createMany(jobs));

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    @Inject(STORAGE_URI_POLICY) private readonly storagePolicy: StorageUriPolicy,
    private readonly jobs: JobRepository,
    @Inject(NEW_JOB_ENQUEUER) private readonly enqueuer: NewJobEnqueuer,
    private readonly metrics: GatewayMetrics,
  ) {}

  /**
   * A failed enqueue (Redis down) still answers 202: the job is durably accepted and the
   * reconciler enqueues it. `options.within` runs inside the creating transaction (e.g.
   * completing an idempotency key).
   */
  async create(dto: CreateJobDto, context: RequestContext, options: CreateOptions = {}): Promise<JobEntity> {
    const newJob = this.newJob(dto, context, options);
    // Creates without an idempotency key share one insert statement with their neighbours.
    const job = options.within ? await this.jobs.create(newJob, options) : await this.inserts.submit(newJob);
    this.metrics.jobsCreated.inc({ task: job.taskName, plan: job.plan });
    this.metrics.transitions.inc({ to_status: 'queued', actor: 'api' });
    await this.enqueuer.enqueue(job);
    return job;
  }

  /** The row to store, with the task's defaults applied; a 400 problem for anything invalid. */
  private newJob(dto: CreateJobDto, context: RequestContext, options: CreateOptions): NewJob {
    const found = this.registry.lookup(dto.task);
    if (!found.ok) {
      const detail =
        found.reason === 'unknown'
          ? `Unknown task "${dto.task}". Known tasks: ${found.known.join(', ')}.`
          : `Task "${dto.task}" is not available in this release. Available tasks: ${found.known.join(', ')}.`;
      throw problems.validation([{ field: 'task', message: detail }], detail);
    }
    const task = found.task;
    const parsed = task.parseParams(dto.params);
    if (!parsed.ok) throw problems.validation(parsed.errors, `Invalid params for ${task.name}.`);
    this.checkInputUri(parsed.value);
    const limits = {
      allowPrivateTargets: this.config.outbound.allowPrivateTargets,
      maxUploadBytes: this.config.storage.maxUploadBytes,
      storagePolicy: this.storagePolicy,
    };
    const deploymentErrors = deploymentParamErrors(parsed.value, limits);
    if (deploymentErrors.length) throw problems.validation(deploymentErrors, `Invalid params for ${task.name}.`);

    const plan: Plan = dto.plan ?? 'free';
    const { execution } = this.config;
    // A task's own retry rule is part of its correctness; a plan's override tunes the rest.
    const maxRetries = task.defaults.maxRetries ?? execution.maxRetriesByPlan[plan] ?? execution.maxRetries;
    const ttlSeconds = execution.jobTtlSecondsByPlan[plan] ?? execution.jobTtlSeconds;
    return {
      id: randomUUID(),
      tenantId: context.tenantId,
      taskName: task.name,
      params: parsed.value as Record<string, unknown>,
      priority: dto.priority ?? PLAN_SETTINGS[plan].defaultPriority,
      plan,
      queue: queueForPlan(plan),
      maxAttempts: 1 + maxRetries,
      correlationId: context.correlationId,
      idempotencyKey: options.idempotencyKey ?? dto.idempotency_key ?? null,
      expiresAt: new Date(Date.now() + ttlSeconds * 1_000),
    };
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
}
