import type { JobStatus, Plan } from '@validahub/jobs-domain';

export const WORKFLOW_STATUSES = ['running', 'succeeded', 'failed', 'cancelled'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export const STEP_STATUSES = ['pending', 'running', 'succeeded', 'failed', 'cancelled', 'skipped'] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

export interface WorkflowRecord {
  id: string;
  tenantId: string;
  name: string | null;
  status: WorkflowStatus;
  plan: Plan;
  correlationId: string;
  idempotencyKey: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

/** A step as stored, with its job's status when it has one. */
export interface StepRecord {
  stepId: string;
  position: number;
  taskName: string;
  template: string | null;
  templateVersion: number | null;
  /** As given (references unresolved), the template's params merged in. */
  params: Record<string, unknown>;
  priority: number | null;
  dependsOn: string[];
  status: StepStatus;
  jobId: string | null;
  error: { code: string; message: string } | null;
  jobStatus: JobStatus | null;
  /** The job's summary: the step's output. */
  output: Record<string, unknown> | null;
}

/** What a step is, from its job once it has one. */
export function stepStatusOf(step: Pick<StepRecord, 'status' | 'jobStatus'>): StepStatus {
  switch (step.jobStatus) {
    case null:
      return step.status;
    case 'succeeded':
      return 'succeeded';
    case 'failed':
    case 'expired':
      return 'failed';
    case 'cancelled':
      return 'cancelled';
    default:
      return 'running';
  }
}

export const isStepFinished = (status: StepStatus) => !['pending', 'running'].includes(status);
