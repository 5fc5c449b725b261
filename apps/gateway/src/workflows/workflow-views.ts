import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { STEP_STATUSES, StepRecord, StepStatus, stepStatusOf, WORKFLOW_STATUSES, WorkflowRecord, WorkflowStatus } from './workflow-records';

@ApiSchema({ name: 'WorkflowStepError' })
export class WorkflowStepErrorView {
  @ApiProperty({ example: 'unresolved_reference' }) code!: string;
  @ApiProperty() message!: string;
}

@ApiSchema({ name: 'WorkflowStep' })
export class WorkflowStepView {
  @ApiProperty({ example: 'correct' }) id!: string;
  @ApiProperty({ example: 'correct_csv_job' }) task!: string;
  @ApiProperty({ nullable: true, type: String }) template!: string | null;
  @ApiProperty({ nullable: true, type: Number }) template_version!: number | null;
  @ApiProperty({ type: [String] }) depends_on!: string[];
  @ApiProperty({ enum: STEP_STATUSES, description: 'pending until its dependencies succeeded; then its job’s (failed also for expired).' })
  status!: StepStatus;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'Its job, once started (an ordinary job: GET /jobs/{id}).' })
  job_id!: string | null;
  @ApiProperty({ nullable: true, type: WorkflowStepErrorView, description: 'Why a step failed before it had a job (a reference or params).' })
  error!: { code: string; message: string } | null;
}

@ApiSchema({ name: 'Workflow' })
export class WorkflowView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ enum: WORKFLOW_STATUSES }) status!: WorkflowStatus;
  @ApiProperty({ example: 'pro' }) plan!: string;
  @ApiProperty() correlation_id!: string;
  @ApiProperty({ nullable: true, type: String }) idempotency_key!: string | null;
  @ApiProperty({ type: [WorkflowStepView] }) steps!: WorkflowStepView[];
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) finished_at!: string | null;
}

@ApiSchema({ name: 'WorkflowList' })
export class WorkflowListView {
  @ApiProperty({ type: [WorkflowView] }) items!: WorkflowView[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null on the last page.' }) next_cursor!:
    string | null;
}

export function toWorkflowView(workflow: WorkflowRecord, steps: readonly StepRecord[]): WorkflowView {
  return {
    id: workflow.id,
    name: workflow.name,
    status: workflow.status,
    plan: workflow.plan,
    correlation_id: workflow.correlationId,
    idempotency_key: workflow.idempotencyKey,
    steps: steps.map((step) => ({
      id: step.stepId,
      task: step.taskName,
      template: step.template,
      template_version: step.templateVersion,
      depends_on: step.dependsOn,
      status: stepStatusOf(step),
      job_id: step.jobId,
      error: step.error,
    })),
    created_at: workflow.createdAt.toISOString(),
    finished_at: workflow.finishedAt ? workflow.finishedAt.toISOString() : null,
  };
}
