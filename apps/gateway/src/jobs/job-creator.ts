import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { PLAN_SETTINGS, Plan, queueForPlan, TaskRegistry } from '@validahub/jobs-domain';
import type { EntityManager } from 'typeorm';
import { CreateJobOptions, JobEntity, JobRepository, NewJob } from '@validahub/jobs-persistence';
import { currentTraceparent } from '@validahub/observability';
import { StorageUriError } from '@validahub/storage';
import { authProblems } from '../auth/auth-problems';
import type { RequestAuth } from '../auth/request-auth';
import { GATEWAY_CONFIG, NEW_JOB_ENQUEUER } from '../gateway.tokens';
import { problems } from '../http/problem';
import { MicroBatcher } from '../infra/micro-batcher';
import { RunningLimits } from '../limits/running-limits';
import { UnfinishedJobsQuota } from '../limits/unfinished-jobs-quota';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { mayBeOneRowsFault, unstorableValueProblem } from './insert-errors';
import { TenantStorage } from '../tenancy/tenant-storage';
import { CreateJobDto } from './create-job.dto';
import { deploymentParamErrors } from './deployment-params';
import type { NewJobEnqueuer } from './crash-after-insert';
import { RequestContext } from './request-context';
import type { TemplateVersion } from '../templates/template-store';
import { TemplatesService } from '../templates/templates.service';
import { JobInputs } from '../reports/report-inputs';

// Creates wait for the tenant usage row the statement before them locked until its commit, so more
// statements at once only queue in Postgres; two keep one executing while the next is formed.
const INSERTS_IN_FLIGHT = 2;

/** Where a job comes from, beyond its request: recorded on the job, filterable in the list. */
export type JobLinks = Pick<NewJob, 'workflowId' | 'stepId' | 'retryOf' | 'scheduleId'>;

export interface CreateOptions extends CreateJobOptions {
  /** The validated idempotency key (header or body) to store on the job. Default: the body's. */
  idempotencyKey?: string;
  links?: JobLinks;
  /** Recorded as the job's template when the caller resolved one itself (a retry keeps its job's). */
  template?: { name: string; version: number };
}

/** Accepts a job: validates the request, stores the job with its first audit row, enqueues it. */
@Injectable()
export class JobCreator {
  // Concurrent creates share one multi-row insert, and its jobs are enqueued together as soon as
  // it committed (one addBulk, each job carrying its own request's trace). The enqueue is not
  // part of the batch: the next insert need not wait for Redis. A row refused by Postgres fails
  // its own create only: the batch is retried one row at a time. At most INSERTS_IN_FLIGHT
  // statements at once: the rest gather into the next one (see MicroBatcher).
  private readonly inserts = new MicroBatcher<{ job: NewJob; traceparent?: string }, { job: JobEntity; enqueued: Promise<boolean> }>(
    async (items) => {
      const created = await this.jobs.createMany(items.map((item) => item.job));
      this.countCreated(created);
      const enqueued = this.enqueuer.enqueueMany(
        created,
        items.map((item) => item.traceparent),
      );
      return created.map((job) => ({ job, enqueued }));
    },
    100,
    mayBeOneRowsFault,
    INSERTS_IN_FLIGHT,
  );

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly registry: TaskRegistry,
    private readonly storage: TenantStorage,
    private readonly jobs: JobRepository,
    @Inject(NEW_JOB_ENQUEUER) private readonly enqueuer: NewJobEnqueuer,
    private readonly metrics: GatewayMetrics,
    private readonly templates: TemplatesService,
    private readonly inputs: JobInputs,
    private readonly quota: UnfinishedJobsQuota,
    private readonly runningLimits: RunningLimits,
  ) {}

  /**
   * A failed enqueue (Redis down) still answers 202: the job is durably accepted and the
   * reconciler enqueues it. `options.within` runs inside the creating transaction (e.g.
   * completing an idempotency key).
   */
  async create(dto: CreateJobDto, context: RequestContext, options: CreateOptions = {}): Promise<JobEntity> {
    const newJob = await this.prepare(dto, context, options);
    await this.inputs.prepare(newJob, context.auth);
    await context.admission;
    const quota = await this.quota.prepare(context.auth);
    this.runningLimits.remember(context.auth);
    return this.insertAndEnqueue(newJob, options).catch((error: unknown) => {
      throw this.quota.problemFor(error, quota) ?? unstorableValueProblem(error) ?? error;
    });
  }

  /** Checks a request as create would (the same 400/403 problems) and stores nothing: schedules check their job when saved. */
  async validate(dto: CreateJobDto, context: RequestContext): Promise<void> {
    await this.prepare(dto, context);
  }

  /**
   * Stores prepared jobs (see `prepare` and `prepareInputs`) with their audit rows in one
   * statement, in one transaction with `within` when given, then enqueues them all in one round
   * trip. A failed enqueue leaves them durably queued for the reconciler, as for a single create.
   */
  async createPrepared(
    newJobs: readonly NewJob[],
    context: RequestContext,
    within?: (manager: EntityManager, created: JobEntity[]) => Promise<void>,
  ): Promise<JobEntity[]> {
    if (!newJobs.length) return [];
    const quota = await this.quota.prepare(context.auth);
    this.runningLimits.remember(context.auth);
    // One transaction: past the unfinished-jobs quota, the whole batch is refused (429).
    const jobs = await this.jobs.createMany(newJobs, within).catch((error: unknown) => {
      throw this.quota.problemFor(error, quota) ?? unstorableValueProblem(error) ?? error;
    });
    this.countCreated(jobs);
    await this.enqueuer.enqueueMany(jobs);
    return jobs;
  }

  /** Counts and enqueues jobs a caller inserted in its own transaction (workflow steps), after its commit. */
  async afterInsert(jobs: readonly JobEntity[]): Promise<void> {
    this.countCreated(jobs);
    await Promise.all(jobs.map((job) => this.enqueuer.enqueue(job)));
  }

  /** Prepares what a job needs before its row is stored (a report's numbers); see JobInputs. */
  async prepareInputs(job: NewJob, context: RequestContext): Promise<void> {
    await this.inputs.prepare(job, context.auth);
  }

  /**
   * The row to store, with the template resolved and the task's defaults applied; a 403 or 400
   * problem for anything not allowed or invalid. Nothing is written.
   */
  async prepare(request: CreateJobDto, context: RequestContext, options: CreateOptions = {}): Promise<NewJob> {
    const { dto, template } = await this.withTemplate(request, context);
    const job = this.newJob(dto, context, options);
    const recorded = template ?? options.template;
    return { ...job, ...options.links, template: recorded?.name ?? null, templateVersion: recorded?.version ?? null };
  }

  /** `task` or `template`, exactly one; a template gives the task, its params under the overrides, its priority. */
  private async withTemplate(
    dto: CreateJobDto,
    context: RequestContext,
  ): Promise<{ dto: CreateJobDto & { task: string }; template?: TemplateVersion }> {
    if (dto.task !== undefined && dto.template !== undefined) {
      throw problems.validation([{ field: 'template', message: 'give either task or template, not both' }]);
    }
    if (dto.template === undefined) {
      const missing = [
        ...(dto.task === undefined ? [{ field: 'task', message: 'task (or template) is required' }] : []),
        ...(dto.params === undefined ? [{ field: 'params', message: 'params must be an object' }] : []),
      ];
      if (missing.length) throw problems.validation(missing);
      return { dto: { ...dto, task: dto.task as string } };
    }
    const { template, params } = await this.templates.resolve(context.tenantId, dto.template, dto.params ?? {});
    return { dto: { ...dto, task: template.taskName, params, priority: dto.priority ?? template.priority ?? undefined }, template };
  }

  /** Stores the job and enqueues it after its commit; a failed enqueue leaves it to the reconciler (see JobEnqueuer). */
  private async insertAndEnqueue(newJob: NewJob, options: CreateOptions): Promise<JobEntity> {
    if (!options.within) {
      const { job, enqueued } = await this.inserts.submit({ job: newJob, traceparent: currentTraceparent() });
      await enqueued;
      return job;
    }
    // Work in the creating transaction (an idempotency key) keeps this create out of the shared insert.
    const job = await this.jobs.create(newJob, options);
    this.countCreated([job]);
    await this.enqueuer.enqueue(job);
    return job;
  }

  private newJob(dto: CreateJobDto & { task: string }, context: RequestContext, options: CreateOptions): NewJob {
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

  private countCreated(jobs: readonly JobEntity[]): void {
    for (const job of jobs) this.metrics.jobsCreated.inc({ task: job.taskName, plan: job.plan });
    this.metrics.transitions.inc({ to_status: 'queued', actor: 'api' }, jobs.length);
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
