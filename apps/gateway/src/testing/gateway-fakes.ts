// Test-only: in-memory stand-ins for what the gateway's services talk to, for unit tests (no
// servers). Each implements just the methods the services call, checked against the real types.
import { ANONYMOUS_TENANT_ID, type JobEvent, type JobPayload, type Plan } from '@validahub/jobs-domain';
import type { EventDeadLetters } from '../events/event-dead-letters';
import type { JobInputs } from '../reports/report-inputs';
import type { TemplateStore, TemplateVersion } from '../templates/template-store';
import {
  ApplyOutcome,
  CreateJobOptions,
  JobEntity,
  JobRepository,
  NewJob,
  PageKey,
  QuietPage,
  UnfinishedJobs,
  UnfinishedKind,
} from '@validahub/jobs-persistence';
import type { BatchHandler, EnqueueOptions, JobEventConsumer, JobQueues, StreamEvent } from '@validahub/jobs-queueing';

/** A stored job as Postgres would return it right after create, with the given changes. */
export function storedJob(changes: Partial<JobEntity> = {}): JobEntity {
  const now = new Date();
  return Object.assign(new JobEntity(), {
    id: '00000000-0000-4000-8000-000000000001',
    tenantId: ANONYMOUS_TENANT_ID,
    taskName: 'noop_job',
    status: 'queued',
    progress: 0,
    message: null,
    params: {},
    priority: 1,
    plan: 'free',
    queue: 'queue-free',
    attempts: 0,
    maxAttempts: 4,
    correlationId: 'corr-1',
    idempotencyKey: null,
    error: null,
    resultRef: null,
    summary: null,
    cancelRequested: false,
    createdAt: now,
    startedAt: null,
    finishedAt: null,
    expiresAt: null,
    updatedAt: now,
    ...changes,
  });
}

type BullState = 'waiting' | 'prioritized' | 'delayed' | 'active' | 'completed' | 'failed';

/** BullMQ queues as a map of job id -> state; every addBulk is recorded. */
export class FakeJobQueues implements Pick<JobQueues, 'enqueueMany' | 'remove'> {
  readonly states = new Map<string, BullState>();
  readonly payloads = new Map<string, JobPayload>();
  /** One entry per enqueueMany call (what one addBulk round trip carried). */
  readonly bulks: { payload: JobPayload; options: EnqueueOptions }[][] = [];
  readonly removed: string[] = [];
  /** Set to make enqueueMany fail like a Redis outage. */
  failWith?: Error;

  async enqueueMany(items: readonly { payload: JobPayload; options: EnqueueOptions }[]): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.bulks.push([...items]);
    for (const { payload } of items) {
      if (this.states.has(payload.jobId)) continue; // the job id is the BullMQ id: a second add is a no-op
      this.states.set(payload.jobId, 'waiting');
      this.payloads.set(payload.jobId, payload);
    }
  }

  async remove(_plan: Plan, jobId: string): Promise<boolean> {
    const state = this.states.get(jobId);
    if (state === undefined || state === 'active') return false;
    this.states.delete(jobId);
    this.removed.push(jobId);
    return true;
  }

  queue(_plan: Plan) {
    return { getJob: async (id: string) => (this.states.has(id) ? { getState: async () => this.states.get(id) } : undefined) };
  }
}

/** Job rows in memory; records how many insert statements carried which jobs. */
export class FakeJobRepository implements Pick<JobRepository, 'create' | 'createMany'> {
  readonly rows = new Map<string, JobEntity>();
  /** One entry per statement: createMany's batch, or create's single job. */
  readonly inserts: NewJob[][] = [];

  async create(job: NewJob, _options: CreateJobOptions = {}): Promise<JobEntity> {
    return (await this.createMany([job]))[0];
  }

  async createMany(jobs: readonly NewJob[]): Promise<JobEntity[]> {
    this.inserts.push([...jobs]);
    return jobs.map((job) => {
      const row = storedJob({ ...job, status: 'queued' });
      this.rows.set(row.id, row);
      return row;
    });
  }
}

/** The reconciler's view of Postgres: the unfinished rows, changed by expire/cancelLost like the guarded SQL would. */
export class FakeUnfinishedJobs implements Pick<UnfinishedJobs, 'quietPage' | 'expire' | 'cancelLost'> {
  readonly rows = new Map<string, JobEntity>();
  /** Every page asked for, to check the reconciler's budgets and cursors. */
  readonly pages: Array<{ kind: UnfinishedKind; after: PageKey | null; returned: number }> = [];

  add(...jobs: JobEntity[]): void {
    for (const job of jobs) this.rows.set(job.id, job);
  }

  async quietPage(kind: UnfinishedKind, quietSince: Date, after: PageKey | null, limit: number): Promise<QuietPage> {
    const statuses = kind === 'started' ? ['running', 'retrying'] : ['queued'];
    const key = (job: JobEntity) => `${job.updatedAt.toISOString()}|${job.id}`;
    const jobs = [...this.rows.values()]
      .filter((job) => statuses.includes(job.status) && job.updatedAt < quietSince)
      .filter((job) => !after || key(job) > `${after.at}|${after.id}`)
      .sort((a, b) => (key(a) < key(b) ? -1 : 1))
      .slice(0, limit);
    const last = jobs.at(-1);
    this.pages.push({ kind, after, returned: jobs.length });
    return { jobs, next: jobs.length === limit && last ? { at: last.updatedAt.toISOString(), id: last.id } : null };
  }

  async expire(id: string, at: Date): Promise<boolean> {
    return this.move(id, ['queued', 'retrying'], 'expired', at);
  }

  async cancelLost(job: JobEntity, at: Date): Promise<boolean> {
    return this.move(job.id, [job.status], 'cancelled', at);
  }

  private move(id: string, from: string[], to: JobEntity['status'], at: Date): boolean {
    const row = this.rows.get(id);
    if (!row || !from.includes(row.status)) return false;
    this.rows.set(id, { ...row, status: to, finishedAt: at, updatedAt: at } as JobEntity);
    return true;
  }
}

/** The Redis stream consumer: the test hands batches to the applier's handler itself. */
export class FakeJobEventConsumer implements Pick<JobEventConsumer, 'startBatches' | 'stop'> {
  handler?: BatchHandler;
  stopped = false;

  startBatches(handle: BatchHandler): void {
    this.handler = handle;
  }

  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** Delivers entries as XREADGROUP would; rejects when the handler does (the batch stays pending). */
  async deliver(...events: JobEvent[]): Promise<void> {
    if (!this.handler) throw new Error('the consumer was not started');
    const batch: StreamEvent[] = events.map((event, i) => ({ event, id: `1-${i}` }));
    await this.handler(batch);
  }
}

/** Records each batch handed to the event writer and answers the outcomes the test queued up. */
export class FakeJobEventWriter {
  readonly batches: JobEvent[][] = [];
  outcomes: (event: JobEvent) => ApplyOutcome = () => ({ kind: 'progress' });
  failWith?: Error;
  /** Refuses (as Postgres would, in one transaction) any batch holding an event this returns an error for. */
  refuse: (event: JobEvent) => Error | undefined = () => undefined;
  /** Every call, applied or not, for counting tries. */
  readonly calls: JobEvent[][] = [];

  readonly write = async (events: readonly JobEvent[]): Promise<ApplyOutcome[]> => {
    this.calls.push([...events]);
    if (this.failWith) throw this.failWith;
    const refusal = events.map((event) => this.refuse(event)).find(Boolean);
    if (refusal) throw refusal;
    this.batches.push([...events]);
    return events.map((event) => this.outcomes(event));
  };
}

/** Leadership among replicas: this one leads unless a test says otherwise. */
export class FakeLeadership {
  leads = true;
  released = 0;

  async acquire(): Promise<boolean> {
    return this.leads;
  }

  async release(): Promise<void> {
    this.released += 1;
  }
}

/** Keeps what the applier dead-lettered. */
export class FakeEventDeadLetters implements EventDeadLetters {
  readonly kept: Array<{ event: JobEvent; entryId: string; error: unknown }> = [];
  failWith?: Error;

  async keep(entry: { event: JobEvent; entryId: string; error: unknown }): Promise<void> {
    if (this.failWith) throw this.failWith;
    this.kept.push(entry);
  }
}

/** Templates in memory: what the job creator resolves `template` references with. */
export class FakeTemplateStore implements Pick<TemplateStore, 'find'> {
  readonly templates: (TemplateVersion & { tenantId: string })[] = [];

  async find(tenantId: string, name: string, version?: number): Promise<TemplateVersion | null> {
    const matching = this.templates.filter((t) => t.tenantId === tenantId && t.name === name && (version === undefined || t.version === version));
    return matching.sort((a, b) => b.version - a.version)[0] ?? null;
  }
}

/** Records the jobs whose inputs were prepared (report data is computed in SQL: integration tests cover it). */
export class FakeJobInputs implements Pick<JobInputs, 'prepare'> {
  readonly prepared: string[] = [];

  async prepare(job: { id: string }): Promise<void> {
    this.prepared.push(job.id);
  }
}
