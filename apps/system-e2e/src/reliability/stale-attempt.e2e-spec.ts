import { existsSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import IORedis from 'ioredis';
import { AppProcess, waitFor } from '@validahub/testing';
import { auditProblems } from '../support/audit';
import { jobsLogged } from '../support/process-logs';
import { TestSystem, waitForJob } from '../support/system';

// Attempt 1 is slowed (its worker process stopped mid-run), Redis loses the job, the reconciler
// starts attempt 2 on another worker and it succeeds; then attempt 1 is let go and finishes too.
// What a client downloads must stay attempt 2's: attempts write under their own keys, and
// Postgres ignores the stale attempt's `succeeded`.
describe('reliability: a stale attempt cannot change the result', () => {
  let system: TestSystem;
  let redis: IORedis;
  let slow: AppProcess;

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'stale' });
    redis = new IORedis(system.redisUrl);
    await system.startGateway();
    // One job at a time, and a lock that is not due for renewal during the test: nothing tells
    // this worker that its attempt went stale, so attempt 1 really finishes.
    slow = await system.startWorker(['pro'], { WORKER_CONCURRENCY: '1', WORKER_LOCK_DURATION_MS: '120000' });
  });
  afterAll(async () => {
    if (slow?.child.signalCode === null && slow.child.exitCode === null) slow.child.kill('SIGCONT');
    redis?.disconnect();
    await system?.stop();
  });

  const rows = (count: number, tag: string) =>
    `sku,title\n${Array.from({ length: count }, (_, i) => `${tag}-${i}, padded title ${i} `).join('\n')}\n`;
  const attemptFolder = (id: string, attempt: number) => join(system.storage, 'results', id, `attempt-${attempt}`);
  const finishedRun = (id: string, attempt: number) => {
    const folder = attemptFolder(id, attempt);
    const run = existsSync(folder) ? readdirSync(folder).find((r) => existsSync(join(folder, r, 'report.json'))) : undefined;
    return run && join(folder, run);
  };

  it('attempt 1 slowed, attempt 2 succeeds, attempt 1 finishes: the downloaded result is still attempt 2s', async () => {
    const input = join(system.storage, 'feed.csv');
    writeFileSync(input, rows(600_000, 'OLD'));
    const { id } = await system.api.createJob('correct_csv_job', { input_uri: 'feed.csv' }, 'pro');
    await waitForJob(system.api, id, (status) => status === 'running', 30_000);
    // 'running' is reported before the attempt's sandbox thread has started (none is kept warm):
    // stop the worker only once attempt 1 holds the old input open.
    await waitFor(() => jobsLogged(slow, 'csv job: input opened').includes(id), 30_000, 'attempt 1 to open its input');
    slow.child.kill('SIGSTOP');
    expect(finishedRun(id, 1)).toBeUndefined(); // still running when stopped

    // The input changes (a new file under the same name; attempt 1 keeps reading the one it opened) ...
    writeFileSync(`${input}.new`, rows(3, 'NEW'));
    renameSync(`${input}.new`, input);
    // ... and Redis loses the job while it runs.
    const prefix = `${system.prefix}:queue-pro`;
    await redis.del(`${prefix}:${id}`, `${prefix}:${id}:lock`);
    await redis.lrem(`${prefix}:active`, 0, id);

    // The reconciler finds it lost (two passes) and enqueues attempt 2, which another worker runs.
    await system.startWorker(['pro']);
    await waitForJob(system.api, id, (status) => status === 'succeeded', 60_000);
    const done = await system.api.job(id);
    expect(done).toMatchObject({ attempts: 2, summary: { rows_total: 3 } });
    expect(done.result_ref).toMatch(new RegExp(`^results/${id}/attempt-2/[0-9a-f]{12}/corrected\\.csv$`));
    const downloaded = await system.api.resultContent(id);
    expect(downloaded.status).toBe(200);
    expect(downloaded.text).toContain('NEW-2');
    expect(downloaded.text).not.toContain('OLD-');

    // Attempt 1 goes on and finishes: its files land under attempt-1, its `succeeded` is ignored.
    slow.child.kill('SIGCONT');
    await waitFor(() => finishedRun(id, 1) !== undefined, 60_000, 'attempt 1 to finish writing');
    await waitFor(() => jobsLogged(slow, 'attempt succeeded').includes(id), 30_000, 'attempt 1 to report success');
    const staleCorrected = readFileSync(join(finishedRun(id, 1)!, 'corrected.csv'), 'utf8');
    expect(staleCorrected).toContain('OLD-599999');
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // the applier has had its event

    const after = await system.api.job(id);
    expect(after).toMatchObject({ status: 'succeeded', attempts: 2, result_ref: done.result_ref, summary: done.summary });
    for (const part of [undefined, 'corrected', 'report', 'issues_csv', 'report_html']) {
      const again = await system.api.resultContent(id, part);
      expect([part, again.status, again.text.includes('OLD-')]).toEqual([part, 200, false]);
    }
    expect((await system.api.resultContent(id)).text).toBe(downloaded.text);
    const trail = await system.api.events(id);
    expect(auditProblems(after, trail)).toEqual([]);
    expect(trail.map((step) => `${step.from_status}>${step.to_status}#${step.attempt}`)).toEqual([
      'null>queued#0',
      'queued>running#1',
      'running>running#2',
      'running>succeeded#2',
    ]);
  });
});
