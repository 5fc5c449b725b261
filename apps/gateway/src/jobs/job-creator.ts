import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { PLAN_SETTINGS, Plan, queueForPlan, TaskRegistry } from '@validahub/jobs-domain';
import { CreateJobOptions, JobEntity, JobRepository, NewJob } from '@validahub/jobs-persistence';
import { StorageUriError } from '@validahub/storage';
import { authProblems } from '../auth/auth-problems';
import type { RequestAuth } from '../auth/request-auth';
import { GATEWAY_CONFIG, NEW_JOB_ENQUEUER } from '../gateway.tokens';
import { problems } from '../http/problem';
import { MicroBatcher } from '../infra/micro-batcher';
import { UnfinishedJobsQuota } from '../limits/unfinished-jobs-quota';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { mayBeOneRowsFault, unstorableValueProblem } from './insert-errors';
import { TenantStorage } from '../tenancy/tenant-storage';
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
  // A row refused by Postgres fails its own create only: the batch is retried one row at a time.
  private readonly inserts = new MicroBatcher<NewJob, JobEntity>((jobs) => this.jobs.createMany(jobs), 100, mayBeOneRowsFault);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    private readonly storage: TenantStorage,
    private readonly jobs: JobRepository,
    @Inject(NEW_JOB_ENQUEUER) private readonly enqueuer: NewJobEnqueuer,
    private readonly metrics: GatewayMetrics,
    private readonly quota: UnfinishedJobsQuota,
  ) {}

  /**
   * A failed enqueue (Redis down) still answers 202: the job is durably accepted and the
   * reconciler enqueues it. `options.within` runs inside the creating transaction (e.g.
   * completing an idempotency key).
   */
  async create(dto: CreateJobDto, context: RequestContext, options: CreateOptions = {}): Promise<JobEntity> {
    const newJob = this.newJob(dto, context, options);
    const quota = await this.quota.prepare(context.auth);
    const job = await this.insert(newJob, options).catch((error: unknown) => {
      throw this.quota.problemFor(error, quota) ?? unstorableValueProblem(error) ?? error;
    });
    this.metrics.jobsCreated.inc({ task: job.taskName, plan: job.plan });
    this.metrics.transitions.inc({ to_status: 'queued', actor: 'api' });
    await this.enqueuer.enqueue(job);
    return job;
  }

  // Creates without an idempotency key share one insert statement with their neighbours.
  private insert(newJob: NewJob, options: CreateOptions): Promise<JobEntity> {
    return options.within ? this.jobs.create(newJob, options) : this.inserts.submit(newJob);
  }

  /** The row to store, with the task's defaults applied; a 403 or 400 problem for anything not allowed or invalid. */
  private newJob(dto: CreateJobDto, context: RequestContext, options: CreateOptions): NewJob {
    const plan = planFor(dto, context.auth);
    const priority = priorityFor(dto, plan, context.auth);
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
    this.checkInputUri(parsed.value, context.auth);
    const limits = {
      allowPrivateTargets: this.config.outbound.allowPrivateTargets,
      maxUploadBytes: this.config.storage.maxUploadBytes,
      checkReadable: (uri: string) => void this.storage.forAuth(context.auth).resolve(uri, 'read'),
    };
    const deploymentErrors = deploymentParamErrors(parsed.value, limits);
    if (deploymentErrors.length) throw problems.validation(deploymentErrors, `Invalid params for ${task.name}.`);

    const { execution } = this.config;
    // A task's own retry rule is part of its correctness; a plan's override tunes the rest.
    const maxRetries = task.defaults.maxRetries ?? execution.maxRetriesByPlan[plan] ?? execution.maxRetries;
    const ttlSeconds = execution.jobTtlSecondsByPlan[plan] ?? execution.jobTtlSeconds;
    return {
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
  }

  /** Refuses at create time an input outside the caller's storage (its prefix, samples/, its allowed buckets). */
  private checkInputUri(params: unknown, auth: RequestAuth): void {
    const uri = (params as { input_uri?: unknown }).input_uri;
    if (typeof uri !== 'string') return;
    try {
      this.storage.forAuth(auth).resolve(uri, 'read');
    } catch (error) {
      if (!(error instanceof StorageUriError)) throw error;
      throw problems.validation([{ field: 'params.input_uri', message: error.message }], `Invalid params.input_uri (${error.reason}).`);
    }
  }
}

/** The tenant's plan when keys are in use (a different body plan is 403); the body's in open mode. */
function planFor(dto: CreateJobDto, auth: RequestAuth): Plan {
  if (!auth.plan) return dto.plan ?? 'free';
  if (dto.plan !== undefined && dto.plan !== auth.plan) throw authProblems.planNotAllowed(dto.plan, auth.plan);
  return auth.plan;
}

/** At most the plan's default priority for a tenant; any priority in open mode, as the seed allows. */
function priorityFor(dto: CreateJobDto, plan: Plan, auth: RequestAuth): number {
  const planPriority = PLAN_SETTINGS[plan].defaultPriority;
  if (dto.priority === undefined) return planPriority;
  if (auth.plan && dto.priority > planPriority) throw authProblems.priorityNotAllowed(dto.priority, plan, planPriority);
  return dto.priority;
}
