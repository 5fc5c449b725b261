import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { JobStatus, Plan } from '@validahub/jobs-domain';
import { returnedRows } from '@validahub/jobs-persistence';
import { StepRecord, StepStatus, WorkflowRecord, WorkflowStatus } from './workflow-records';

export interface NewWorkflow {
  id: string;
  tenantId: string;
  name: string | null;
  plan: Plan;
  correlationId: string;
  idempotencyKey: string | null;
  steps: Omit<StepRecord, 'status' | 'jobId' | 'error' | 'jobStatus' | 'output'>[];
}

const UNIQUE_VIOLATION = '23505';

/** Workflows and their steps in Postgres; reads are scoped by tenant. */
@Injectable()
export class WorkflowStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Stores the workflow and its steps (all pending); null when the tenant already used the idempotency key. */
  async insert(workflow: NewWorkflow): Promise<WorkflowRecord | null> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const rows: Record<string, unknown>[] = await manager.query(
          `INSERT INTO workflows (id, tenant_id, name, status, plan, correlation_id, idempotency_key)
           VALUES ($1, $2, $3, 'running', $4, $5, $6) RETURNING *`,
          [workflow.id, workflow.tenantId, workflow.name, workflow.plan, workflow.correlationId, workflow.idempotencyKey],
        );
        for (const step of workflow.steps) {
          await manager.query(
            `INSERT INTO workflow_steps (workflow_id, step_id, position, task_name, template, template_version, params, priority, depends_on, status)
             VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9::text[], 'pending')`,
            [
              workflow.id,
              step.stepId,
              step.position,
              step.taskName,
              step.template,
              step.templateVersion,
              JSON.stringify(step.params),
              step.priority,
              step.dependsOn,
            ],
          );
        }
        return toWorkflow(rows[0]);
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION && workflow.idempotencyKey) return null;
      throw error;
    }
  }

  async find(tenantId: string, id: string): Promise<WorkflowRecord | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM workflows WHERE id = $1 AND tenant_id = $2`, [id, tenantId]);
    return rows.length ? toWorkflow(rows[0]) : null;
  }

  async findByIdempotencyKey(tenantId: string, key: string): Promise<WorkflowRecord | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(`SELECT * FROM workflows WHERE tenant_id = $1 AND idempotency_key = $2`, [
      tenantId,
      key,
    ]);
    return rows.length ? toWorkflow(rows[0]) : null;
  }

  /** Newest first, keyset-paged by (created_at, id). */
  async list(tenantId: string, limit: number, after?: { createdAt: Date; id: string }): Promise<WorkflowRecord[]> {
    const rows: Record<string, unknown>[] = after
      ? await this.dataSource.query(
          `SELECT * FROM workflows WHERE tenant_id = $1 AND (created_at, id) < ($2, $3) ORDER BY created_at DESC, id DESC LIMIT $4`,
          [tenantId, after.createdAt, after.id, limit],
        )
      : await this.dataSource.query(`SELECT * FROM workflows WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, [tenantId, limit]);
    return rows.map(toWorkflow);
  }

  /** The steps of some workflows, in position order, with their jobs' statuses and summaries. */
  async steps(workflowIds: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<Map<string, StepRecord[]>> {
    const rows: Record<string, unknown>[] = await manager.query(
      `SELECT s.*, j.status AS job_status, j.summary AS job_summary
       FROM workflow_steps s LEFT JOIN jobs j ON j.id = s.job_id
       WHERE s.workflow_id = ANY($1::uuid[]) ORDER BY s.workflow_id, s.position`,
      [workflowIds],
    );
    const byWorkflow = new Map<string, StepRecord[]>(workflowIds.map((id) => [id, []]));
    for (const row of rows) byWorkflow.get(row.workflow_id as string)?.push(toStep(row));
    return byWorkflow;
  }

  /** Locks a workflow for advancing (every replica advances through this lock). */
  async lock(manager: EntityManager, id: string): Promise<WorkflowRecord | null> {
    const rows: Record<string, unknown>[] = await manager.query(`SELECT * FROM workflows WHERE id = $1 FOR UPDATE`, [id]);
    return rows.length ? toWorkflow(rows[0]) : null;
  }

  async updateStep(
    manager: EntityManager,
    workflowId: string,
    step: { stepId: string; status: StepStatus; jobId?: string | null; error?: StepRecord['error'] },
  ): Promise<void> {
    await manager.query(
      `UPDATE workflow_steps SET status = $3, job_id = coalesce($4, job_id), error = coalesce($5::jsonb, error)
       WHERE workflow_id = $1 AND step_id = $2`,
      [workflowId, step.stepId, step.status, step.jobId ?? null, step.error ? JSON.stringify(step.error) : null],
    );
  }

  /** The workflow as it is after the change. */
  async setStatus(manager: EntityManager, id: string, status: WorkflowStatus): Promise<WorkflowRecord> {
    const finished = status === 'running' ? 'NULL' : 'now()';
    const rows = await returnedRows<Record<string, unknown>>(
      manager.query(`UPDATE workflows SET status = $2, finished_at = ${finished}, updated_at = now() WHERE id = $1 RETURNING *`, [id, status]),
    );
    return toWorkflow(rows[0]);
  }

  /** Marks a workflow as looked at, so the repair sweep pages past it. */
  async touch(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE workflows SET updated_at = now() WHERE id = $1`, [id]);
  }

  /** The workflows some jobs are steps of. */
  async workflowsOfJobs(jobIds: readonly string[]): Promise<string[]> {
    if (!jobIds.length) return [];
    const rows: { workflow_id: string }[] = await this.dataSource.query(
      `SELECT DISTINCT workflow_id FROM jobs WHERE id = ANY($1::uuid[]) AND workflow_id IS NOT NULL`,
      [jobIds],
    );
    return rows.map((row) => row.workflow_id);
  }

  /** Running workflows not looked at since `quietSince`, oldest first: the reconciler's repair candidates. */
  async quietRunning(quietSince: Date, limit: number): Promise<string[]> {
    const rows: { id: string }[] = await this.dataSource.query(
      `SELECT id FROM workflows WHERE status = 'running' AND updated_at < $1 ORDER BY updated_at, id LIMIT $2`,
      [quietSince, limit],
    );
    return rows.map((row) => row.id);
  }
}

function toWorkflow(row: Record<string, unknown>): WorkflowRecord {
  return {
    id: row.id as string,
    tenantId: row.tenant_id as string,
    name: (row.name as string | null) ?? null,
    status: row.status as WorkflowStatus,
    plan: row.plan as Plan,
    correlationId: row.correlation_id as string,
    idempotencyKey: (row.idempotency_key as string | null) ?? null,
    createdAt: row.created_at as Date,
    finishedAt: (row.finished_at as Date | null) ?? null,
  };
}

function toStep(row: Record<string, unknown>): StepRecord {
  return {
    stepId: row.step_id as string,
    position: row.position as number,
    taskName: row.task_name as string,
    template: (row.template as string | null) ?? null,
    templateVersion: (row.template_version as number | null) ?? null,
    params: row.params as Record<string, unknown>,
    priority: (row.priority as number | null) ?? null,
    dependsOn: row.depends_on as string[],
    status: row.status as StepStatus,
    jobId: (row.job_id as string | null) ?? null,
    error: (row.error as StepRecord['error']) ?? null,
    jobStatus: (row.job_status as JobStatus | null) ?? null,
    output: (row.job_summary as Record<string, unknown> | null) ?? null,
  };
}
