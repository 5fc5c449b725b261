// Integration-test support: a private queue prefix, runtimes on it, and a view of the events
// they publish. Not exported from the library's index.
import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { AppConfig, loadConfig } from '@validahub/config';
import { JobEvent, JobPayload, parseJobEvent, Plan } from '@validahub/jobs-domain';
import { createRedis, JobQueues, jobEventsStreamKey, publishCancel, redisOptions } from '@validahub/jobs-queueing';
import { createTaskRegistry, TASKS } from '@validahub/jobs-tasks';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { WorkerRuntime } from '../runtime/worker-runtime';
import type { WorkerRuntimeOptions } from '../runtime/worker-settings';

/** Only the test tasks, so runtime tests need no storage or CSV engine. */
export const TEST_TASKS = TASKS.filter((task) => task.definition.testOnly);
export const testTaskRegistry = () => createTaskRegistry({ includeTestTasks: true, tasks: TEST_TASKS });

export class RuntimeHarness {
  readonly prefix: string;
  readonly config: AppConfig;
  readonly redis: IORedis;
  readonly queues: JobQueues;
  private readonly runtimes: WorkerRuntime[] = [];

  constructor(label: string, env: Record<string, string> = {}) {
    this.prefix = uniqueQueuePrefix(label);
    this.config = loadConfig({
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: this.prefix,
      ENABLE_TEST_TASKS: 'true',
      RETRY_BACKOFF_BASE_MS: '300',
      RETRY_BACKOFF_CAP_MS: '5000',
      PROGRESS_THROTTLE_MS: '50',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...env,
    });
    this.redis = createRedis(TEST_REDIS_URL, 'producer');
    this.queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), this.prefix);
  }

  /** A runtime on this harness's prefix: the test tasks run in the sandbox unless `handlers` are given. */
  async startRuntime(plans: Plan[], options: Partial<WorkerRuntimeOptions> = {}): Promise<WorkerRuntime> {
    const runtime = new WorkerRuntime({
      config: this.config,
      plans,
      registry: testTaskRegistry(),
      abortGraceMs: 300,
      stall: { lockDurationMs: 5_000, stalledIntervalMs: 2_000 },
      ...options,
    });
    this.runtimes.push(runtime);
    await runtime.start();
    return runtime;
  }

  payload(task: string, params: unknown, overrides: Partial<JobPayload> = {}): JobPayload {
    return {
      jobId: randomUUID(),
      task,
      params,
      plan: 'free',
      correlationId: `corr-${randomUUID()}`,
      maxAttempts: 1,
      timeLimitSeconds: 30,
      expiresAt: null,
      ...overrides,
    };
  }

  async enqueue(task: string, params: unknown, overrides: Partial<JobPayload> = {}, priority = 5): Promise<JobPayload> {
    const payload = this.payload(task, params, overrides);
    await this.queues.enqueue(payload, { priority });
    return payload;
  }

  cancel(jobId: string, reason = 'cancelled by test'): Promise<number> {
    return publishCancel(this.redis, this.prefix, { jobId, reason });
  }

  /** Every event published so far, in stream order. */
  async events(jobId?: string): Promise<JobEvent[]> {
    const entries = (await this.redis.xrange(jobEventsStreamKey(this.prefix), '-', '+')) as [string, string[]][];
    const all = entries.map(([, fields]) => parseJobEvent(JSON.parse(fields[fields.indexOf('event') + 1])));
    return all.filter((e): e is JobEvent => e !== null && (!jobId || e.jobId === jobId));
  }

  /** The job's terminal event (succeeded, failed, cancelled or expired). */
  async waitForTerminal(jobId: string, ms = 20_000): Promise<JobEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const terminal = (await this.events(jobId)).find((e) => ['succeeded', 'failed', 'cancelled', 'expired'].includes(e.type));
      if (terminal) return terminal;
      if (Date.now() > deadline) throw new Error(`job ${jobId} did not finish within ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async waitForEvent(jobId: string, type: JobEvent['type'], ms = 10_000): Promise<JobEvent> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = (await this.events(jobId)).find((e) => e.type === type);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no ${type} event for ${jobId} within ${ms} ms`);
      await sleep(25);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.runtimes.map((r) => r.stop()));
    await this.queues.close();
    const keys = await this.redis.keys(`${this.prefix}:*`);
    if (keys.length) await this.redis.del(...keys);
    await this.redis.quit();
  }
}

export const TERMINAL_EVENTS: ReadonlyArray<JobEvent['type']> = ['succeeded', 'failed', 'cancelled', 'expired'];

export async function waitFor(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'condition'): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`${what} not met within ${ms} ms`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
