import { Provider } from '@nestjs/common';
import type { JobsSettledHook } from '../events/event-applier';
import { JOBS_SETTLED_HOOK } from '../gateway.tokens';
import { JobRetrier } from '../jobs/job-retrier';
import { ReportAggregates } from '../reports/report-aggregates';
import { JobInputs } from '../reports/report-inputs';
import { TemplateStore } from '../templates/template-store';
import { TemplatesController } from '../templates/templates.controller';
import { TemplatesService } from '../templates/templates.service';
import { WorkflowAdvancer } from './workflow-advancer';
import { WorkflowRepair } from './workflow-repair';
import { WorkflowStore } from './workflow-store';
import { WorkflowsController } from './workflows.controller';
import { WorkflowsService } from './workflows.service';

/** Templates, workflows and retries: what composes jobs out of jobs. */
export const compositionControllers = [TemplatesController, WorkflowsController];

export const compositionProviders: Provider[] = [
  ReportAggregates,
  JobInputs,
  TemplateStore,
  TemplatesService,
  JobRetrier,
  WorkflowStore,
  WorkflowAdvancer,
  WorkflowRepair,
  WorkflowsService,
  {
    // The event applier advances a step's workflow once the step's job finished.
    provide: JOBS_SETTLED_HOOK,
    inject: [WorkflowAdvancer],
    useFactory:
      (advancer: WorkflowAdvancer): JobsSettledHook =>
      (jobIds) =>
        advancer.advanceForJobs(jobIds),
  },
];
