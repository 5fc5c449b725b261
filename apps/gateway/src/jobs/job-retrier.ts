import { Injectable } from '@nestjs/common';
import { JobEntity, JobRepository } from '@validahub/jobs-persistence';
import { problems } from '../http/problem';
import { JobCreator } from './job-creator';
import { RequestContext } from './request-context';

/** The statuses a job can be retried from (contract: failed, cancelled, expired). */
export const RETRYABLE_STATUSES = ['failed', 'cancelled', 'expired'] as const;

/**
 * `POST /jobs/{id}/retry`: a new job with the same task, params and priority (and the template
 * it was made from), `retry_of` the old one. It goes through the normal create path, so today's
 * plan rules, storage scope and params checks apply to it.
 */
@Injectable()
export class JobRetrier {
  constructor(
    private readonly jobs: JobRepository,
    private readonly creator: JobCreator,
  ) {}

  async retry(id: string, context: RequestContext): Promise<JobEntity> {
    const old = await this.jobs.findById(context.tenantId, id);
    if (!old) throw problems.notFound(`Job ${id} not found.`);
    if (!(RETRYABLE_STATUSES as readonly string[]).includes(old.status)) {
      throw problems.conflict('job-not-retryable', `Job ${id} is ${old.status}; only ${RETRYABLE_STATUSES.join(', ')} jobs can be retried.`, {
        job_status: old.status,
      });
    }
    // Open mode runs on the plan the old job ran on; with keys the tenant's plan applies.
    const plan = context.auth.plan ? undefined : old.plan;
    return this.creator.create({ task: old.taskName, params: old.params, priority: old.priority, plan }, context, {
      links: { retryOf: old.id },
      template: old.template ? { name: old.template, version: old.templateVersion ?? 1 } : undefined,
    });
  }
}
