import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppProcess, RssSampler } from '@validahub/testing';
import { attemptStarts, auditProblems, JobOutcome, waitForTerminal } from '../support/audit';
import { jobsLogged } from '../support/process-logs';
import { recordSummary } from '../support/scenario-report';
import { TestSystem } from '../support/system';

// The task sandbox on real processes: a free-tier worker (one job at a time) gets the inputs
// that used to take it down, and a handler that never yields; its RSS is sampled throughout.
const RSS_LIMIT_MB = 400;
const TIME_LIMIT_S = 8;

describe('reliability: hostile inputs and runaway handlers stay inside the sandbox', () => {
  let system: TestSystem;
  let worker: AppProcess;
  let rss: RssSampler;

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'sandbox', env: { TASK_TIME_LIMIT: String(TIME_LIMIT_S) } });
    await system.startGateway();
    worker = await system.startWorker(['free']);
    rss = new RssSampler({ worker: worker.child.pid! }, 100);
    rss.start();
  });
  afterAll(async () => {
    rss?.stop();
    await system?.stop();
  });

  async function run(task: string, params: Record<string, unknown>, timeoutMs = 60_000): Promise<JobOutcome> {
    const { id } = await system.api.createJob(task, params, 'free');
    const { outcomes, pending } = await waitForTerminal(system.api, [id], timeoutMs);
    if (pending.length) throw new Error(`${pending.join('; ')}\n${system.logs()}`);
    const outcome = outcomes.get(id)!;
    expect(auditProblems(outcome.job, outcome.trail)).toEqual([]);
    return outcome;
  }

  /** The worker is still alive and serving: the next job runs at once. */
  async function servesNextJob(): Promise<void> {
    expect(worker.child.exitCode).toBeNull();
    expect((await run('noop_job', {}, 20_000)).job.status).toBe('succeeded');
  }

  /** Sampled every 100 ms, and the kernel's high-water mark, which catches peaks between samples. */
  function expectRssBelowLimit(scenario: string): void {
    const [sampled, highWater] = [rss.peakMb('worker'), rss.highWaterMb('worker')];
    recordSummary(
      scenario,
      `scenario ${scenario}: worker RSS peak sampled ${sampled.toFixed(0)} MB, VmHWM ${highWater.toFixed(0)} MB (limit ${RSS_LIMIT_MB})`,
    );
    expect(sampled).toBeLessThan(RSS_LIMIT_MB);
    expect(highWater).toBeLessThan(RSS_LIMIT_MB);
  }

  // As filed: a header of 2,000 empty cells. The engine reads a line of only delimiters as blank,
  // so the first `x` becomes the header; and with `sku` in front, the header names a column and
  // every short row is padded out to 2,000 cells (a 40 MB corrected CSV).
  it.each([
    ['2,000 empty header cells', ''],
    ['a header naming one column of 2,000', 'sku'],
  ])('the 42 KB amplification file (%s, then 20,000 rows of x) ends clearly, RSS < 400 MB', async (_label, first) => {
    const file = `${first}${','.repeat(1_999)}\n${'x\n'.repeat(20_000)}`;
    expect(Buffer.byteLength(file)).toBeLessThan(43_000);
    writeFileSync(join(system.storage, 'padded.csv'), file);
    const { job } = await run('correct_csv_job', { input_uri: 'padded.csv' });
    // The report (with the corrected CSV under its cap) or the output cap; never a crash or a hang.
    if (job.status === 'succeeded') {
      expect(job.summary).toMatchObject({ rows_total: first ? 20_000 : 19_999 });
      const corrected = await system.api.resultContent(job.id, 'corrected');
      expect(corrected.status).toBe(200);
      expect(Buffer.byteLength(corrected.text)).toBeLessThanOrEqual(Buffer.byteLength(file) + 64 * 1024 * 1024);
      const report = JSON.parse((await system.api.resultContent(job.id, 'report')).text) as { summary: unknown };
      expect(report.summary).toEqual(expect.objectContaining({ rows_total: job.summary!.rows_total }));
    } else {
      expect(job.error).toMatchObject({ code: 'resource_limit_exceeded', retryable: false });
    }
    expectRssBelowLimit(`sandbox-padded-out${first ? '-named' : ''}`);
    await servesNextJob();
  });

  it('a 200,000-column header ends in a report with too_many_columns, RSS < 400 MB', async () => {
    const header = Array.from({ length: 200_000 }, (_, i) => `column_${i}`).join(',');
    writeFileSync(join(system.storage, 'wide.csv'), `${header}\n${'1,'.repeat(199_999)}1\n`);
    const { job } = await run('validate_csv_job', { input_uri: 'wide.csv' });
    expect(job).toMatchObject({ status: 'succeeded', summary: { rows_total: 0, errors: 1 } });
    const report = JSON.parse((await system.api.resultContent(job.id, 'report')).text) as { issues: { rule: string }[] };
    expect(report.issues.map((issue) => issue.rule)).toEqual(['too_many_columns']);
    expectRssBelowLimit('sandbox-wide-header');
    await servesNextJob();
  });

  it('a handler in `while (true) {}` is killed at its time limit: failed time_limit_exceeded within limit + 5 s, run once', async () => {
    const { job, trail } = await run('spin_job', {});
    expect(job).toMatchObject({ status: 'failed', attempts: 1, error: { code: 'time_limit_exceeded', retryable: false } });
    const ranMs = Date.parse(job.finished_at as string) - Date.parse(job.started_at as string);
    expect(ranMs).toBeGreaterThanOrEqual(TIME_LIMIT_S * 1_000);
    expect(ranMs).toBeLessThan((TIME_LIMIT_S + 5) * 1_000);
    // Longer than the 4 s lock: had the loop blocked the worker's event loop, the job would have stalled and run again.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(attemptStarts(await system.api.events(job.id))).toHaveLength(1);
    expect(trail.filter((step) => step.from_status === 'running' && step.to_status === 'running')).toEqual([]);
    expect(jobsLogged(worker, 'attempt started').filter((id) => id === job.id)).toHaveLength(1);
    await servesNextJob();
  });
});
