import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { JobEntity, JobRepository, NewJob } from '@validahub/jobs-persistence';
import { TenancyStore } from '@validahub/tenancy';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import { ANONYMOUS_AUTH, RequestAuth } from '../auth/request-auth';
import { ProblemException } from '../http/problem';
import { sqlStateOf } from '../jobs/insert-errors';
import { JobCreator } from '../jobs/job-creator';
import { QUOTA_EXCEEDED_STATE } from '../limits/unfinished-jobs-quota';
import { RequestContext } from '../jobs/request-context';
import { recordInOutbox } from '../webhooks/webhook-outbox';
import { resolveReferences } from './workflow-graph';
import { nextMoves, workflowOutcome } from './workflow-progress';
import { StepRecord, stepStatusOf, WorkflowRecord, WorkflowStatus } from './workflow-records';
import { WorkflowStore } from './workflow-store';
import { toWorkflowView } from './workflow-views';

/** What one advance did, for logs, metrics and tests. */
export interface AdvanceReport {
  started: string[];
  skipped: string[];
  failed: string[];
  status: WorkflowStatus | null;
}

/**
 * Moves a workflow on from what its steps' jobs say now: starts every step whose dependencies
 * all succeeded, skips the dependants of a failed one, and closes the workflow once every step
 * finished. All under the workflow's row lock, with each new job inserted in the same
 * transaction that records it on its step, so a step's job is created exactly once whichever
 * replica advances (and however often: advancing is idempotent). The jobs are enqueued after
 * the commit; one whose enqueue is lost is enqueued by the reconciler like any queued job.
 */
@Injectable()
export class WorkflowAdvancer {
  private readonly logger = new Logger('WorkflowAdvancer');

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: WorkflowStore,
    private readonly jobs: JobRepository,
    private readonly creator: JobCreator,
    private readonly tenancy: TenancyStore,
  ) {}

  /** Advances the workflows these jobs are steps of (the event applier calls this after each batch). */
  async advanceForJobs(jobIds: readonly string[]): Promise<void> {
    for (const id of await this.store.workflowsOfJobs(jobIds)) await this.advance(id);
  }

  async advance(workflowId: string): Promise<AdvanceReport> {
    const report: AdvanceReport = { started: [], skipped: [], failed: [], status: null };
    const created: JobEntity[] = [];
    await this.dataSource.transaction(async (manager) => {
      const workflow = await this.store.lock(manager, workflowId);
      if (!workflow || workflow.status !== 'running') return;
      const steps = (await this.store.steps([workflowId], manager)).get(workflowId) ?? [];
      const context = await this.contextFor(workflow);
      // Each round settles skips and starts what is ready; a step that cannot start fails, which may skip more.
      for (let round = 0; round <= steps.length; round++) {
        const moves = nextMoves(steps);
        for (const id of moves.skipped) await this.mark(manager, workflowId, stepOf(steps, id), { status: 'skipped' }, report.skipped);
        if (!moves.ready.length) break;
        for (const id of moves.ready) {
          const step = stepOf(steps, id);
          const job = await this.startStep(manager, workflow, step, steps, context);
          if (job) created.push(job);
          (job ? report.started : report.failed).push(id);
        }
      }
      // Keep the stored step statuses in step with their jobs (lists read them without joining).
      for (const step of steps) {
        const now = stepStatusOf(step);
        if (step.jobId && now !== step.status) await this.store.updateStep(manager, workflowId, { stepId: step.stepId, status: now });
      }
      const status = workflowOutcome(steps.map(stepStatusOf));
      report.status = status;
      if (status === 'running') await this.store.touch(manager, workflowId);
      else await this.close(manager, workflowId, status, steps);
    });
    if (created.length) await this.creator.afterInsert(created);
    if (report.started.length || report.failed.length || (report.status && report.status !== 'running')) {
      this.logger.log({ workflow_id: workflowId, ...report }, 'workflow advanced');
    }
    return report;
  }

  /**
   * Records the workflow's end and, in the same transaction, its `workflow.succeeded` or
   * `workflow.failed` webhook deliveries (the outbox): the event exists exactly when the end does.
   */
  private async close(manager: EntityManager, workflowId: string, status: 'succeeded' | 'failed', steps: readonly StepRecord[]): Promise<void> {
    const ended = await this.store.setStatus(manager, workflowId, status);
    await recordInOutbox(manager, {
      tenantId: ended.tenantId,
      type: `workflow.${status}`,
      occurredAt: ended.finishedAt ?? new Date(),
      data: toWorkflowView(ended, steps),
    });
  }

  /** The step's job, created and recorded on the step; null (the step failed) when its params do not resolve or validate. */
  private async startStep(
    manager: EntityManager,
    workflow: WorkflowRecord,
    step: StepRecord,
    steps: readonly StepRecord[],
    context: RequestContext,
  ): Promise<JobEntity | null> {
    const resolved = resolveReferences(step.params, (from, key) => steps.find((s) => s.stepId === from)?.output?.[key]);
    if (!resolved.ok) {
      const missing = resolved.missing.map((ref) => `${ref.path}: steps.${ref.step}.output.${ref.key} is not in that step's output`);
      await this.mark(manager, workflow.id, step, { status: 'failed', error: { code: 'unresolved_reference', message: missing.join('; ') } });
      return null;
    }
    try {
      const dto = {
        task: step.taskName,
        params: resolved.value as Record<string, unknown>,
        priority: step.priority ?? undefined,
        plan: context.auth.plan ? undefined : workflow.plan,
      };
      const newJob = await this.creator.prepare(dto, context, {
        links: { workflowId: workflow.id, stepId: step.stepId },
        template: step.template ? { name: step.template, version: step.templateVersion ?? 1 } : undefined,
      });
      await this.creator.prepareInputs(newJob, context);
      const job = await this.insertStepJob(manager, newJob);
      if (!job) {
        await this.mark(manager, workflow.id, step, {
          status: 'failed',
          error: { code: 'quota_exceeded', message: "the tenant is at its quota of unfinished jobs; the step's job was not created" },
        });
        return null;
      }
      await this.store.updateStep(manager, workflow.id, { stepId: step.stepId, status: 'running', jobId: job.id });
      Object.assign(step, { status: 'running', jobId: job.id, jobStatus: job.status });
      return job;
    } catch (error) {
      if (!(error instanceof ProblemException)) throw error;
      const details = (error.spec.errors ?? []).map((e) => `${e.field}: ${e.message}`);
      const message = [error.spec.detail, ...details].join(' ');
      await this.mark(manager, workflow.id, step, { status: 'failed', error: { code: 'step_not_startable', message } });
      return null;
    }
  }

  /**
   * The step's job, or null when Postgres refused it for the tenant's unfinished-jobs quota. A
   * savepoint keeps the refusal from aborting the applier's transaction (and the events in it).
   */
  private async insertStepJob(manager: EntityManager, newJob: NewJob): Promise<JobEntity | null> {
    await manager.query('SAVEPOINT workflow_step_job');
    try {
      const [job] = await this.jobs.createWithin(manager, [newJob]);
      await manager.query('RELEASE SAVEPOINT workflow_step_job');
      return job;
    } catch (error) {
      if (sqlStateOf(error) !== QUOTA_EXCEEDED_STATE) throw error;
      await manager.query('ROLLBACK TO SAVEPOINT workflow_step_job');
      return null;
    }
  }

  private async mark(
    manager: EntityManager,
    workflowId: string,
    step: StepRecord,
    change: { status: 'skipped' | 'failed'; error?: StepRecord['error'] },
    into?: string[],
  ): Promise<void> {
    await this.store.updateStep(manager, workflowId, { stepId: step.stepId, ...change });
    Object.assign(step, { status: change.status, error: change.error ?? step.error });
    into?.push(step.stepId);
  }

  /** Steps are created as the workflow's creator would create them: its tenant as it is now, the workflow's correlation id. */
  private async contextFor(workflow: WorkflowRecord): Promise<RequestContext> {
    let auth: RequestAuth = ANONYMOUS_AUTH;
    if (workflow.tenantId !== ANONYMOUS_TENANT_ID) {
      const tenant = await this.tenancy.findTenant(workflow.tenantId);
      if (!tenant) throw new Error(`workflow ${workflow.id}: tenant ${workflow.tenantId} not found`);
      auth = { tenant, plan: tenant.plan, scopes: [], limitOverrides: tenant.limitOverrides, keyId: null };
    }
    return { tenantId: workflow.tenantId, correlationId: workflow.correlationId, auth };
  }
}

function stepOf(steps: readonly StepRecord[], id: string): StepRecord {
  const step = steps.find((s) => s.stepId === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}
