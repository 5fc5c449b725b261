// Unit-test support: a JobProcessor wired to typed fakes (no Redis, no BullMQ worker).
// Not exported from the library's index.
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { JobEvent, JobPayload } from '@validahub/jobs-domain';
import { createTaskRegistry, TASKS } from '@validahub/jobs-tasks';
import type { TaskHandlers } from '@validahub/jobs-tasks';
import { ActiveRuns } from '../processing/active-runs';
import { ArrivalSignal } from '../processing/arrival-signal';
import { DeferSettings, EventSink, JobProcessor, QueueJob, RunningSlots } from '../processing/job-processor';
import { RetryDelays } from '../processing/retry-delays';
import { InProcessExecutor, TaskExecutor } from '../processing/task-executor';
import { TaskHandlerLookup } from '../processing/task-handler-lookup';

/** Keeps every event the processor publishes, in publish order. */
export class RecordingEventSink implements EventSink {
  readonly events: JobEvent[] = [];

  async publish(event: JobEvent): Promise<string> {
    this.events.push(event);
    return `${this.events.length}-0`;
  }

  types(): JobEvent['type'][] {
    return this.events.map((e) => e.type);
  }

  last<T extends JobEvent['type']>(type: T): Extract<JobEvent, { type: T }> {
    const found = this.events.filter((e) => e.type === type).at(-1);
    if (!found) throw new Error(`no ${type} event among ${this.types().join(', ') || 'none'}`);
    return found as Extract<JobEvent, { type: T }>;
  }
}

/** The BullMQ job as the processor sees it, recording the tokens it was handed back with. */
export interface FakeQueueJob extends QueueJob {
  readonly handedBackWith: Array<string | undefined>;
  /** Tokens the processor renewed the lock with itself, in order. */
  readonly lockExtendedWith: string[];
  /** Times (ms) the processor deferred the job to. */
  readonly delayedUntil: number[];
}

export function fakeQueueJob(
  data: unknown,
  options: { attemptsMade?: number; attempts?: number; moveToWaitFails?: boolean; lockLost?: boolean } = {},
): FakeQueueJob {
  const handedBackWith: Array<string | undefined> = [];
  const lockExtendedWith: string[] = [];
  const delayedUntil: number[] = [];
  const jobId = (data as { jobId?: unknown } | null)?.jobId;
  return {
    id: typeof jobId === 'string' ? jobId : 'bull-1',
    data,
    attemptsMade: options.attemptsMade ?? 0,
    opts: { attempts: options.attempts ?? (data as Partial<JobPayload> | null)?.maxAttempts ?? 1 },
    queueName: 'queue-pro',
    handedBackWith,
    lockExtendedWith,
    delayedUntil,
    async moveToDelayed(timestamp: number) {
      delayedUntil.push(timestamp);
    },
    async extendLock(token: string) {
      lockExtendedWith.push(token);
      return options.lockLost ? 0 : 1;
    },
    async moveToWait(token?: string) {
      if (options.moveToWaitFails) throw new Error('Missing lock for job');
      handedBackWith.push(token);
      return 0;
    },
  };
}

export interface TestProcessorOptions {
  handlers?: TaskHandlers;
  /** Instead of handlers: an executor of the test's own (e.g. one that records kills). */
  executor?: TaskExecutor;
  progressThrottleMs?: number;
  abortGraceMs?: number;
  slots?: RunningSlots;
  defer?: DeferSettings;
  arrivals?: ArrivalSignal;
}

/** The test-only task definitions (noop, sleep, flaky); handlers are the test's own fakes. */
export function newTestProcessor(options: TestProcessorOptions = {}) {
  const events = new RecordingEventSink();
  const activeRuns = new ActiveRuns();
  const retryDelays = new RetryDelays(1_000, 60_000);
  const registry = createTaskRegistry({ includeTestTasks: true, tasks: TASKS.filter((t) => t.definition.testOnly) });
  const processor = new JobProcessor({
    tasks: new TaskHandlerLookup(registry, options.executor ?? new InProcessExecutor(options.handlers ?? { noop_job: async () => ({}) })),
    events,
    activeRuns,
    retryDelays,
    logger: pino({ level: 'silent' }),
    workerName: 'test-worker',
    progressThrottleMs: options.progressThrottleMs ?? 500,
    abortGraceMs: options.abortGraceMs ?? 2_000,
    lockDurationMs: 30_000,
    slots: options.slots,
    defer: options.defer,
    arrivals: options.arrivals,
  });
  return { processor, events, activeRuns, retryDelays };
}

export function testPayload(overrides: Partial<JobPayload> = {}): JobPayload {
  return {
    jobId: randomUUID(),
    task: 'noop_job',
    params: {},
    plan: 'pro',
    correlationId: `corr-${randomUUID()}`,
    maxAttempts: 1,
    timeLimitSeconds: 30,
    expiresAt: null,
    ...overrides,
  };
}

/** A promise a fake handler settles from outside, to hold it "running" as long as a test needs. */
export function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Rejects once the handler's signal is aborted, as an I/O call given that signal would. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) =>
    signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true }),
  );
}
