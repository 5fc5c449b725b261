import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { JobEntity, NewJob } from '@validahub/jobs-persistence';
import { toProblemBody } from '../../http/problem';
import { RateLimits } from '../../limits/rate-limits';
import { JobCreator } from '../job-creator';
import { toCreatedView } from '../job-views';
import type { RequestContext } from '../request-context';
import { isProblem, parseBatchItem } from './batch-item';
import type { BatchItemView, BatchResultView } from './create-batch.dto';

export interface BatchOptions {
  /** The batch's validated Idempotency-Key, stored on each of its jobs. */
  idempotencyKey?: string;
  /** Runs in the transaction that stores the jobs, with the answer (e.g. completing the idempotency key). */
  within?: (manager: EntityManager, answer: BatchResultView) => Promise<void>;
}

/**
 * POST /api/v1/jobs/batch: every item is validated and refused on its own, exactly as a single
 * create would refuse it; the valid ones are stored in one statement (jobs and audit rows, one
 * transaction with the idempotency key) and enqueued in one round trip.
 */
@Injectable()
export class JobBatchCreator {
  constructor(
    private readonly creator: JobCreator,
    private readonly rates: RateLimits,
  ) {}

  async create(items: readonly unknown[], context: RequestContext, options: BatchOptions = {}): Promise<BatchResultView> {
    const refused = new Map<number, BatchItemView>();
    const accepted: { index: number; job: NewJob }[] = [];
    // One item at a time: a template lookup or a report's inputs may read the database or storage.
    for (const [index, raw] of items.entries()) {
      try {
        const job = await this.creator.prepare(parseBatchItem(raw), context, { idempotencyKey: options.idempotencyKey });
        await this.creator.prepareInputs(job, context);
        accepted.push({ index, job });
      } catch (error) {
        if (!isProblem(error)) throw error;
        refused.set(index, {
          index,
          status: error.spec.status,
          problem: toProblemBody(error.spec, context.correlationId) as BatchItemView['problem'],
        });
      }
    }
    const answerFor = (created: JobEntity[]): BatchResultView => {
      const byIndex = new Map(accepted.map(({ index }, i) => [index, created[i]]));
      return {
        items: items.map((_, index) => {
          const job = byIndex.get(index);
          return job ? { index, status: 202, job: toCreatedView(job) } : (refused.get(index) as BatchItemView);
        }),
      };
    };
    // Each valid job counts against the tenant's create rate; over it, nothing is created (429).
    if (accepted.length) await this.rates.consume(context.auth, 'creates', accepted.length);
    let answer: BatchResultView | undefined;
    const within = options.within;
    const created = await this.creator.createPrepared(
      accepted.map(({ job }) => job),
      context,
      within
        ? async (manager, jobs) => {
            answer = answerFor(jobs);
            await within(manager, answer);
          }
        : undefined,
    );
    return answer ?? answerFor(created);
  }
}
