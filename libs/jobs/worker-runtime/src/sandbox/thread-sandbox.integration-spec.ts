import pino from 'pino';
import { loadConfig } from '@validahub/config';
import type { TaskContext } from '@validahub/jobs-tasks';
import { openScope } from '@validahub/storage';
import { sleep } from '../testing/runtime-harness';
import { ThreadSandbox } from './thread-sandbox';

jest.setTimeout(30_000);

// Each sandbox thread is an isolate of its own (~35 MB of RSS): an idle worker keeps only the warm ones.
describe('ThreadSandbox: threads while idle', () => {
  const config = loadConfig({ ENABLE_TEST_TASKS: 'true', LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const sandboxes: ThreadSandbox[] = [];
  afterEach(async () => {
    await Promise.all(sandboxes.splice(0).map((sandbox) => sandbox.close()));
  });

  const sandbox = (warmThreads: number | undefined) => {
    const created = new ThreadSandbox({
      config,
      taskNames: ['noop_job'],
      maxThreads: 2,
      plans: ['free', 'pro'],
      logger,
      warmThreads,
      idleTimeoutMs: 300,
    });
    sandboxes.push(created);
    return created;
  };
  const ctx = (): TaskContext => ({
    jobId: 'job-1',
    attempt: 1,
    runId: 'run-1',
    params: {},
    correlationId: 'corr-1',
    signal: new AbortController().signal,
    reportProgress: () => undefined,
    logger,
  });
  const runNoop = (s: ThreadSandbox) => s.prepare({ name: 'noop_job', plan: 'free', scope: openScope() }).run(ctx());

  it('by default holds no thread once started (the start-up ping proved the task code loads), starts one for an attempt, and ends it after the idle time', async () => {
    const s = sandbox(undefined);
    await s.start();
    expect(s.threadCount).toBe(0);
    await expect(runNoop(s)).resolves.toEqual({ resultRef: null, summary: { noop: true } });
    expect(s.threadCount).toBe(1);
    for (const until = Date.now() + 10_000; s.threadCount > 0 && Date.now() < until;) await sleep(100);
    expect(s.threadCount).toBe(0);
    // A later attempt starts a thread again.
    await expect(runNoop(s)).resolves.toEqual({ resultRef: null, summary: { noop: true } });
  });

  it('keeps the warm threads started while idle when asked (TASK_SANDBOX_WARM_THREADS)', async () => {
    const s = sandbox(1);
    await s.start();
    // free and pro share the default heap cap: one pool, one warm thread.
    expect(s.threadCount).toBe(1);
    await expect(runNoop(s)).resolves.toEqual({ resultRef: null, summary: { noop: true } });
    await sleep(1_000);
    expect(s.threadCount).toBe(1);
  });
});
