import { isStepFinished, StepRecord, StepStatus, stepStatusOf, WorkflowStatus } from './workflow-records';

// What a workflow's steps mean for it now: pure, so the advancer's decisions are unit-tested.

export interface StepMoves {
  /** Pending steps whose every dependency succeeded: start them. */
  ready: string[];
  /** Pending steps with a dependency that failed, was cancelled or skipped: skip them. */
  skipped: string[];
}

/** Applies skips transitively (a skipped step skips its dependants) and lists what can start. */
export function nextMoves(steps: readonly Pick<StepRecord, 'stepId' | 'dependsOn' | 'status' | 'jobStatus'>[]): StepMoves {
  const status = new Map<string, StepStatus>(steps.map((step) => [step.stepId, stepStatusOf(step)]));
  const skipped: string[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const step of steps) {
      if (status.get(step.stepId) !== 'pending') continue;
      if (step.dependsOn.some((dep) => ['failed', 'cancelled', 'skipped'].includes(status.get(dep) as StepStatus))) {
        status.set(step.stepId, 'skipped');
        skipped.push(step.stepId);
        changed = true;
      }
    }
  }
  const ready = steps
    .filter((step) => status.get(step.stepId) === 'pending' && step.dependsOn.every((dep) => status.get(dep) === 'succeeded'))
    .map((step) => step.stepId);
  return { ready, skipped };
}

/** Running until every step finished; then succeeded when all succeeded, failed otherwise. */
export function workflowOutcome(statuses: readonly StepStatus[]): Exclude<WorkflowStatus, 'cancelled'> {
  if (!statuses.every(isStepFinished)) return 'running';
  return statuses.every((status) => status === 'succeeded') ? 'succeeded' : 'failed';
}
