import { Injectable } from '@nestjs/common';
import { isTerminal, JobStatus, TaskRegistry } from '@validahub/jobs-domain';
import { JobEntity, JobEventEntity, JobRepository } from '@validahub/jobs-persistence';
import { problems } from '../http/problem';
import { JobCanceller, CancelResult } from './job-canceller';
import { decodeListCursor, encodeListCursor } from './list-cursor';
import { DEFAULT_LIMIT, ListJobsQuery } from './list-jobs.query';
import { RequestContext } from './request-context';

/** Reads a tenant's jobs (one, a page, the result record, the audit trail) and cancels one. */
@Injectable()
export class JobsService {
  constructor(
    private readonly registry: TaskRegistry,
    private readonly jobs: JobRepository,
    private readonly canceller: JobCanceller,
  ) {}

  async get(id: string, context: RequestContext): Promise<JobEntity> {
    const job = await this.jobs.findById(context.tenantId, id);
    if (!job) throw problems.notFound(`Job ${id} not found.`);
    return job;
  }

  async list(query: ListJobsQuery, context: RequestContext) {
    if (query.task !== undefined && !this.registry.names().includes(query.task)) {
      throw problems.validation([{ field: 'task', message: `unknown task; known tasks: ${this.registry.names().join(', ')}` }]);
    }
    const createdAfter = query.created_after ? new Date(query.created_after) : undefined;
    const createdBefore = query.created_before ? new Date(query.created_before) : undefined;
    if (createdAfter && createdBefore && createdAfter >= createdBefore) {
      throw problems.validation([{ field: 'created_after', message: 'must be earlier than created_before' }]);
    }
    if (query.cursor !== undefined && query.offset !== undefined) {
      throw problems.validation([{ field: 'cursor', message: 'page by cursor or by offset, not both' }]);
    }
    const after = query.cursor !== undefined ? decodeListCursor(query.cursor) : undefined;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const offset = query.offset ?? 0;
    const page = await this.jobs.list({
      tenantId: context.tenantId,
      status: query.status,
      taskName: query.task,
      plan: query.plan,
      createdAfter,
      createdBefore,
      correlationId: query.correlation_id,
      idempotencyKey: query.idempotency_key,
      workflowId: query.workflow_id,
      scheduleId: query.schedule_id,
      template: query.template,
      after,
      limit,
      offset,
    });
    // A full page may have a next one; a short page is the last.
    const last = page.items.length === limit ? page.items[page.items.length - 1] : undefined;
    return { ...page, limit, offset, nextCursor: last ? encodeListCursor(last) : null };
  }

  /** A succeeded job; 409 with its status otherwise. */
  async result(id: string, context: RequestContext): Promise<JobEntity> {
    const job = await this.get(id, context);
    if (job.status !== 'succeeded') throw notSucceeded(job.id, job.status);
    return job;
  }

  async events(id: string, context: RequestContext): Promise<JobEventEntity[]> {
    await this.get(id, context);
    return this.jobs.events(id);
  }

  async cancel(id: string, context: RequestContext): Promise<CancelResult> {
    const job = await this.get(id, context);
    return this.canceller.cancel(job, context);
  }
}

function notSucceeded(id: string, status: JobStatus) {
  const detail = isTerminal(status) ? `Job ${id} ended as ${status}; it has no result.` : `Job ${id} is ${status}; its result is not ready yet.`;
  return problems.conflict('job-not-succeeded', detail, { job_status: status });
}
