import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { isTerminal } from '@validahub/jobs-domain';
import { JobRepository } from '@validahub/jobs-persistence';
import { FieldProblem, ProblemException, problems } from '../http/problem';
import { JobCanceller } from '../jobs/job-canceller';
import { JobCreator } from '../jobs/job-creator';
import { decodeListCursor, encodeListCursor } from '../jobs/list-cursor';
import { RequestContext } from '../jobs/request-context';
import { TemplatesService } from '../templates/templates.service';
import { WorkflowAdvancer } from './workflow-advancer';
import { referencesIn, resolveReferences, workflowShapeProblems } from './workflow-graph';
import { StepRecord, WorkflowRecord } from './workflow-records';
import { NewWorkflow, WorkflowStore } from './workflow-store';
import { CreateWorkflowDto, WorkflowStepDto } from './workflow.dto';

/** Stand-ins for outputs while a step's params are checked at create time (the real ones exist only later). */
const PLACEHOLDER_OUTPUTS: Record<string, unknown> = { size: 1, unchanged: false, sha256: '0'.repeat(64) };

/** Creates, reads, lists and cancels workflows; the advancer moves them on. */
@Injectable()
export class WorkflowsService {
  private readonly logger = new Logger('Workflows');

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: WorkflowStore,
    private readonly advancer: WorkflowAdvancer,
    private readonly creator: JobCreator,
    private readonly templates: TemplatesService,
    private readonly jobs: JobRepository,
    private readonly canceller: JobCanceller,
  ) {}

  /**
   * Checks the whole workflow first (shape, references, each step's params as its job would be
   * created), stores it with every step pending, then starts the steps without dependencies.
   * A repeat with the same idempotency key answers the workflow it created.
   */
  async create(dto: CreateWorkflowDto, context: RequestContext): Promise<{ workflow: WorkflowRecord; steps: StepRecord[] }> {
    if (dto.idempotency_key) {
      const existing = await this.store.findByIdempotencyKey(context.tenantId, dto.idempotency_key);
      if (existing) return this.get(existing.id, context);
    }
    const shape = dto.steps.map((step) => ({ id: step.id, dependsOn: step.depends_on ?? [], params: step.params ?? {} }));
    const shapeProblems = workflowShapeProblems(shape);
    if (shapeProblems.length) throw problems.validation(shapeProblems, `Invalid workflow: ${shapeProblems[0].message}.`);
    const steps: NewWorkflow['steps'] = [];
    for (const [i, step] of dto.steps.entries()) steps.push(await this.checkedStep(step, i, dto, context));
    const workflow = await this.store.insert({
      id: randomUUID(),
      tenantId: context.tenantId,
      name: dto.name ?? null,
      plan: context.auth.plan ?? dto.plan ?? 'free',
      correlationId: context.correlationId,
      idempotencyKey: dto.idempotency_key ?? null,
      steps,
    });
    if (!workflow) {
      // Another request with the same key won the insert.
      const winner = await this.store.findByIdempotencyKey(context.tenantId, dto.idempotency_key as string);
      if (!winner) throw new Error('idempotency key conflict without a workflow');
      return this.get(winner.id, context);
    }
    await this.advancer.advance(workflow.id);
    return this.get(workflow.id, context);
  }

  async get(id: string, context: RequestContext): Promise<{ workflow: WorkflowRecord; steps: StepRecord[] }> {
    const workflow = await this.store.find(context.tenantId, id);
    if (!workflow) throw problems.notFound(`Workflow ${id} not found.`);
    const steps = (await this.store.steps([id])).get(id) ?? [];
    return { workflow, steps };
  }

  async list(context: RequestContext, limit: number, cursor?: string) {
    const after = cursor !== undefined ? decodeListCursor(cursor) : undefined;
    const workflows = await this.store.list(context.tenantId, limit, after);
    const steps = await this.store.steps(workflows.map((w) => w.id));
    const last = workflows.length === limit ? workflows[workflows.length - 1] : undefined;
    return {
      items: workflows.map((workflow) => ({ workflow, steps: steps.get(workflow.id) ?? [] })),
      nextCursor: last ? encodeListCursor(last) : null,
    };
  }

  /**
   * `DELETE /workflows/{id}`: under the workflow's lock it becomes `cancelled` and its pending
   * steps `skipped` (so no step starts after this), then each step's unfinished job is cancelled.
   */
  async cancel(id: string, context: RequestContext): Promise<{ workflow: WorkflowRecord; steps: StepRecord[] }> {
    const found = await this.get(id, context);
    const cancelled = await this.dataSource.transaction(async (manager) => {
      const locked = await this.store.lock(manager, id);
      if (!locked || locked.status !== 'running') return locked;
      await this.store.setStatus(manager, id, 'cancelled');
      await manager.query(`UPDATE workflow_steps SET status = 'skipped' WHERE workflow_id = $1 AND status = 'pending'`, [id]);
      return null;
    });
    if (cancelled) {
      throw problems.conflict('workflow-not-cancellable', `Workflow ${id} already ended as ${cancelled.status}.`, {
        workflow_status: cancelled.status,
      });
    }
    for (const step of found.steps) {
      if (!step.jobId) continue;
      const job = await this.jobs.findById(context.tenantId, step.jobId);
      if (!job || isTerminal(job.status)) continue;
      await this.canceller.cancel(job, context).catch((error: unknown) => {
        // It ended meanwhile: nothing left to cancel.
        if (error instanceof ProblemException && error.spec.status === 409) return;
        throw error;
      });
    }
    this.logger.log({ workflow_id: id }, 'workflow cancelled');
    return this.get(id, context);
  }

  /** A step as stored: its template resolved, its params checked as its job's would be (outputs stood in for). */
  private async checkedStep(
    step: WorkflowStepDto,
    i: number,
    dto: CreateWorkflowDto,
    context: RequestContext,
  ): Promise<NewWorkflow['steps'][number]> {
    const at = `steps[${i}]`;
    const inStep = (errors: FieldProblem[]) =>
      problems.validation(
        errors.map((e) => ({ field: `${at}.${e.field}`, message: `step "${step.id}": ${e.message}` })),
        `Invalid workflow: step "${step.id}": ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}.`,
      );
    if ((step.task === undefined) === (step.template === undefined))
      throw inStep([{ field: 'task', message: 'give exactly one of task or template' }]);
    let taskName = step.task as string;
    let params = step.params ?? {};
    let template: { name: string; version: number } | null = null;
    let priority = step.priority ?? null;
    if (step.template !== undefined) {
      const resolved = await this.templates.resolve(context.tenantId, step.template, params, 'template').catch((error: unknown) => {
        throw error instanceof ProblemException ? inStep(error.spec.errors ?? []) : error;
      });
      taskName = resolved.template.taskName;
      params = resolved.params;
      template = { name: resolved.template.name, version: resolved.template.version };
      priority = priority ?? resolved.template.priority;
    }
    const trial = resolveReferences(params, (from, key) => PLACEHOLDER_OUTPUTS[key] ?? `workflow-refs/${from}/${key}.csv`);
    if (!trial.ok) throw inStep(trial.missing.map((ref) => ({ field: `params.${ref.path}`, message: 'unresolvable reference' })));
    try {
      await this.creator.prepare(
        { task: taskName, params: trial.value as Record<string, unknown>, priority: priority ?? undefined, plan: dto.plan },
        context,
      );
    } catch (error) {
      if (!(error instanceof ProblemException) || error.spec.status !== 400) throw error;
      // A param that is a reference is checked when its step starts, against the real output.
      const referenced = new Set(referencesIn(params).map((ref) => `params.${ref.path}`));
      const errors = (error.spec.errors ?? [{ field: 'task', message: error.spec.detail }]).filter((e) => !referenced.has(e.field));
      if (errors.length) throw inStep(errors);
    }
    return {
      stepId: step.id,
      position: i,
      taskName,
      template: template?.name ?? null,
      templateVersion: template?.version ?? null,
      params,
      priority,
      dependsOn: step.depends_on ?? [],
    };
  }
}
