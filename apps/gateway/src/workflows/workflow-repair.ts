import { Injectable, Logger } from '@nestjs/common';
import { WorkflowAdvancer } from './workflow-advancer';
import { WorkflowStore } from './workflow-store';

/** Running workflows looked at per reconciler pass. */
export const REPAIR_BUDGET = 100;

/**
 * The reconciler's part for workflows: a running workflow nothing touched lately may be owed a
 * step (the gateway died between applying a step's terminal event and creating what follows,
 * or a step's job was cancelled through the jobs API or expired by the reconciler, which the
 * event applier never sees). Advancing it is idempotent, so looking again costs one lock.
 */
@Injectable()
export class WorkflowRepair {
  private readonly logger = new Logger('WorkflowRepair');

  constructor(
    private readonly store: WorkflowStore,
    private readonly advancer: WorkflowAdvancer,
  ) {}

  /** Advances the quiet running workflows; returns how many it moved on (a step started, failed or skipped, or it ended). */
  async repair(quietSince: Date, budget = REPAIR_BUDGET): Promise<number> {
    let repaired = 0;
    for (const id of await this.store.quietRunning(quietSince, budget)) {
      const report = await this.advancer.advance(id);
      if (report.started.length || report.failed.length || report.skipped.length || report.status !== 'running') {
        repaired += 1;
        this.logger.log({ workflow_id: id, ...report }, 'repaired a workflow that was owed a move');
      }
    }
    return repaired;
  }
}
