import { ConnectionOptions, Job, Queue } from 'bullmq';
import { JobPayload, Plan, PLANS, queueForPlan, toFairQueuePriority } from '@validahub/jobs-domain';
import { RedisOptions } from 'ioredis';
import { publishArrivals } from './arrivals-channel';
import { BullConnection, bullConnectionFor, RedisClient, RedisTarget } from './redis-connection';

export interface EnqueueOptions {
  /** Our priority, 1..10, higher first. */
  priority: number;
  /** The job's place in its tenant's backlog (see toFairQueuePriority); default 1. */
  fairRank?: number;
  delayMs?: number;
}

/** Name of the backoff strategy the worker runtime implements (exponential with jitter). */
export const RETRY_BACKOFF_TYPE = 'validahub-jittered';

/** Finished BullMQ jobs are kept briefly for the dashboard; Postgres is the record. */
export const RETENTION = {
  removeOnComplete: { age: 3_600, count: 1_000 },
  removeOnFail: { age: 24 * 3_600, count: 5_000 },
} as const;

/** The states the queue-depth metric reports (priority jobs sit in `prioritized`, not `waiting`). */
const DEPTH_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;

/** BullMQ's option type has no `retryStrategy: null`; ours never sets null, so drop the field's null case. */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  const { retryStrategy, ...rest } = options;
  return retryStrategy ? { ...rest, retryStrategy } : rest;
}

/** One BullMQ queue per plan; the BullMQ job id is our job id, so enqueueing twice is a no-op. */
export class JobQueues {
  private readonly queues = new Map<Plan, Queue>();
  private readonly links: BullConnection[] = [];

  /** Producer queues on the configured Redis (a single server or a cluster). */
  static forTarget(target: RedisTarget, prefix: string): JobQueues {
    return new JobQueues(() => bullConnectionFor(target, 'producer'), prefix);
  }

  /** `connection`: single-node options, or a factory of connections this object owns (one per queue). */
  constructor(
    private readonly connection: RedisOptions | (() => BullConnection),
    private readonly prefix: string,
  ) {}

  queue(plan: Plan): Queue {
    let queue = this.queues.get(plan);
    if (!queue) {
      queue = new Queue(queueForPlan(plan), { connection: this.connectionForQueue(), prefix: this.prefix });
      // Errors surface on the awaited calls; this keeps a dropped connection from crashing the process.
      queue.on('error', () => undefined);
      this.queues.set(plan, queue);
    }
    return queue;
  }

  all(): Queue[] {
    return PLANS.map((plan) => this.queue(plan));
  }

  /** Each plan's job counts by BullMQ state (one round trip per plan), for the queue-depth metric. */
  async depths(plans: readonly Plan[] = PLANS): Promise<Array<{ plan: Plan; counts: Record<string, number> }>> {
    return Promise.all(plans.map(async (plan) => ({ plan, counts: await this.queue(plan).getJobCounts(...DEPTH_STATES) })));
  }

  async enqueue(payload: JobPayload, options: EnqueueOptions): Promise<Job> {
    const job = await this.queue(payload.plan).add(payload.task, payload, jobOptions(payload, options));
    this.announce(payload.plan, 1);
    return job;
  }

  /**
   * Enqueues many jobs with one round trip per plan (BullMQ addBulk); the gateway batches
   * concurrent creates through this. All of a plan's jobs are added, or none.
   */
  async enqueueMany(items: readonly { payload: JobPayload; options: EnqueueOptions }[]): Promise<void> {
    const byPlan = new Map<Plan, { name: string; data: JobPayload; opts: ReturnType<typeof jobOptions> }[]>();
    for (const { payload, options } of items) {
      const bulk = byPlan.get(payload.plan) ?? [];
      bulk.push({ name: payload.task, data: payload, opts: jobOptions(payload, options) });
      byPlan.set(payload.plan, bulk);
    }
    await Promise.all(
      [...byPlan].map(async ([plan, bulk]) => {
        await this.queue(plan).addBulk(bulk);
        this.announce(plan, bulk.length);
      }),
    );
  }

  /** Removes a waiting/delayed job; false when it is not there or is locked by a worker. */
  async remove(plan: Plan, jobId: string): Promise<boolean> {
    const job = await this.queue(plan).getJob(jobId);
    if (!job) return false;
    try {
      await job.remove();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
    await Promise.all(this.links.splice(0).map((link) => link.close()));
  }

  /**
   * Wakes worker slots parked after deferring a busy tenant's job, so a newcomer's job starts
   * now rather than after their pause. Not awaited: the jobs are stored, and a lost hint only
   * costs a parked slot the rest of its pause.
   */
  private announce(plan: Plan, count: number): void {
    this.queue(plan)
      .getBackend()
      // BullMQ's adapter over our ioredis client forwards the commands it does not wrap, PUBLISH among them.
      .client.then((client) => publishArrivals(client as unknown as Pick<RedisClient, 'publish'>, this.prefix, plan, count))
      .catch(() => undefined);
  }

  private connectionForQueue() {
    if (typeof this.connection !== 'function') return bullConnection(this.connection);
    const link = this.connection();
    this.links.push(link);
    return link.connection;
  }
}

function jobOptions(payload: JobPayload, options: EnqueueOptions) {
  return {
    jobId: payload.jobId,
    priority: toFairQueuePriority(options.priority, options.fairRank ?? 1),
    delay: options.delayMs,
    // Permanent errors end the job at once (the worker throws UnrecoverableError); transient
    // ones wait for the worker's backoff strategy registered under this name.
    // A re-enqueued job (attemptBase > 0) gets only the attempts it has left, but at least one:
    // an attempt lost with Redis did not fail, so it is not held against the job.
    attempts: Math.max(1, payload.maxAttempts - (payload.attemptBase ?? 0)),
    backoff: { type: RETRY_BACKOFF_TYPE },
    ...RETENTION,
  };
}
