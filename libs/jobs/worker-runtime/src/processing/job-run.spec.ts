import type { TaskContext, TaskResult } from '@validahub/jobs-tasks';
import { JobRun } from './job-run';
import type { AttemptExecution } from './task-executor';

/** An execution around a plain function, recording whether the run killed it. */
function execution(run: (ctx: TaskContext) => Promise<TaskResult>): AttemptExecution & { killed: number } {
  const recorded = { killed: 0, run, kill: () => void (recorded.killed += 1) };
  return recorded;
}

const ctx = { jobId: 'j', attempt: 1, runId: 'r', params: {}, correlationId: 'c', reportProgress: () => undefined, logger: console as never };
const waitForAbort = (signal: AbortSignal) =>
  new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' }))));

describe('JobRun', () => {
  it('returns the handler result', async () => {
    const run = new JobRun({ timeLimitMs: 1_000, abortGraceMs: 50 });
    await expect(
      run.execute(
        execution(async () => ({ resultRef: 'r' })),
        ctx,
      ),
    ).resolves.toEqual({ kind: 'succeeded', result: { resultRef: 'r' } });
  });

  it('reports a handler error as thrown when nothing aborted it', async () => {
    const run = new JobRun({ timeLimitMs: 1_000, abortGraceMs: 50 });
    const error = new Error('bug');
    await expect(
      run.execute(
        execution(async () => Promise.reject(error)),
        ctx,
      ),
    ).resolves.toEqual({ kind: 'threw', error });
  });

  it('aborts at the time limit and attributes the rejection to it', async () => {
    const run = new JobRun({ timeLimitMs: 30, abortGraceMs: 1_000 });
    const outcome = await run.execute(
      execution(async ({ signal }) => waitForAbort(signal)),
      ctx,
    );
    expect(outcome).toMatchObject({ kind: 'aborted', reason: 'time_limit', abandoned: false });
    expect(run.signal.reason).toBe('time_limit');
  });

  it('stops waiting for a handler that ignores its signal once the grace is over', async () => {
    const run = new JobRun({ timeLimitMs: 20, abortGraceMs: 30 });
    const startedAt = Date.now();
    const stuck = execution(() => new Promise(() => undefined));
    const outcome = await run.execute(stuck, ctx);
    expect(outcome).toMatchObject({ kind: 'aborted', reason: 'time_limit', abandoned: true });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    expect(stuck.killed).toBe(1);
  });

  it('does not kill an execution that stopped within the grace', async () => {
    const run = new JobRun({ timeLimitMs: 20, abortGraceMs: 50 });
    const polite = execution(async ({ signal }) => waitForAbort(signal));
    await run.execute(polite, ctx);
    await new Promise((r) => setTimeout(r, 80));
    expect(polite.killed).toBe(0);
  });

  it('keeps the first abort reason and refuses aborts after the attempt ended', async () => {
    const run = new JobRun({ timeLimitMs: 1_000, abortGraceMs: 1_000 });
    const pending = run.execute(
      execution(async ({ signal }) => waitForAbort(signal)),
      ctx,
    );
    expect(run.abort('cancelled', 'user asked')).toBe(true);
    expect(run.abort('shutdown')).toBe(false);
    await expect(pending).resolves.toMatchObject({ kind: 'aborted', reason: 'cancelled', detail: 'user asked' });
    expect(run.abort('cancelled')).toBe(false);
  });

  it('lets a handler that finishes after an abort still succeed (one outcome only)', async () => {
    const run = new JobRun({ timeLimitMs: 1_000, abortGraceMs: 1_000 });
    const finishing = execution(async () => {
      await new Promise((r) => setTimeout(r, 20));
      return { summary: { done: true } };
    });
    const pending = run.execute(finishing, ctx);
    run.abort('cancelled');
    await expect(pending).resolves.toEqual({ kind: 'succeeded', result: { summary: { done: true } } });
    expect(finishing.killed).toBe(0);
  });

  it('honours an abort that arrived before the handler started, even if the handler ignores it', async () => {
    const run = new JobRun({ timeLimitMs: 10_000, abortGraceMs: 30 });
    expect(run.abort('cancelled', 'early')).toBe(true);
    const stuck = execution(() => new Promise(() => undefined));
    const outcome = await run.execute(stuck, ctx);
    expect(outcome).toMatchObject({ kind: 'aborted', reason: 'cancelled', detail: 'early', abandoned: true });
    expect(stuck.killed).toBe(1);
  });
});
