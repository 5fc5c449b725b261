import IORedis from 'ioredis';
import { PrivateRedis, startPrivateRedis, waitFor } from '@validahub/testing';
import { AuditEntry, JobView } from '../support/api-client';
import { attemptStarts, JobOutcome } from '../support/audit';
import { jobsLogged, logLines } from '../support/process-logs';
import { Expectation, judgeScenario } from '../support/scenario-report';
import { TestSystem, waitForJob } from '../support/system';

// Redis losing its data mid-batch (FLUSHALL on a private instance; the shared 6379 is never
// touched). Postgres is the record: the reconciler re-enqueues every unfinished job from it.
const RECOVERY_BUDGET_MS = 60_000;

describe('reliability: Redis loses its data', () => {
  let redis: PrivateRedis;
  let system: TestSystem;

  beforeAll(async () => {
    redis = await startPrivateRedis();
    // A long backoff keeps the flaky jobs parked in `retrying` (a delayed BullMQ job) at the flush.
    system = await TestSystem.create({
      label: 'redisloss',
      redisUrl: redis.url,
      env: { RETRY_BACKOFF_BASE_MS: '6000', RETRY_BACKOFF_CAP_MS: '12000' },
    });
    await system.startGateway();
  });
  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  it('FLUSHALL mid-batch: waiting, retrying and running jobs are all re-enqueued and end once', async () => {
    const survivor = await system.startWorker(['pro', 'business']);
    const doomed = await system.startWorker(['pro']);
    const sleepers: JobView[] = [];
    for (let i = 0; i < 6; i += 1) sleepers.push(await system.api.createJob('sleep_job', { ms: 3_000 }, 'pro'));
    const flaky = [
      await system.api.createJob('flaky_job', { fail_times: 1 }, 'business'),
      await system.api.createJob('flaky_job', { fail_times: 1 }, 'business'),
    ];
    // Nobody serves free until after the flush: these only exist in Postgres by then.
    const waiting = [await system.api.createJob('noop_job', {}, 'free'), await system.api.createJob('noop_job', {}, 'free')];
    for (const job of flaky) await waitForJob(system.api, job.id, (s) => s === 'retrying', 20_000);
    await waitFor(
      () => jobsLogged(doomed, 'attempt started').length === 2 && jobsLogged(survivor, 'attempt started').length >= 2,
      20_000,
      'both pro workers busy',
    );

    // The worker dies and Redis forgets everything: the doomed worker's jobs have no lock,
    // no queue entry and no worker left; only Postgres remembers them as running.
    const lostRunning = jobsLogged(doomed, 'attempt started');
    await doomed.kill('SIGKILL');
    const flushedAt = Date.now();
    const admin = new IORedis(redis.url);
    await admin.flushall();
    await admin.quit();
    await system.startWorker(['pro', 'free']);

    const expected: Expectation[] = [
      ...sleepers.map((job) => ({
        id: job.id,
        status: 'succeeded',
        check: (o: JobOutcome) => (lostRunning.includes(job.id) ? rerunAfterLoss(o.trail) : []),
      })),
      ...flaky.map((job) => ({ id: job.id, status: 'succeeded', check: (o: JobOutcome) => startsAre(o, [1, 2]) })),
      ...waiting.map((job) => ({ id: job.id, status: 'succeeded', check: (o: JobOutcome) => startsAre(o, [1]) })),
    ];
    const verdict = await judgeScenario('redis-flushall', system.api, expected, { timeoutMs: RECOVERY_BUDGET_MS });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    console.log(`redis flushall: every job ended ${Date.now() - flushedAt} ms after the flush`);
  });

  it('a Redis restart without persistence: connections come back and every job still ends once', async () => {
    const before = new Set((await system.api.allJobs()).map((j) => j.id));
    const jobs: JobView[] = [];
    for (let i = 0; i < 6; i += 1) jobs.push(await system.api.createJob('sleep_job', { ms: 2_000 }, 'pro'));
    for (let i = 0; i < 3; i += 1) jobs.push(await system.api.createJob('noop_job', {}, 'free'));
    await waitForJob(system.api, jobs[0].id, (s) => s === 'running', 20_000);
    const restartedAt = Date.now();
    await redis.stop();
    await new Promise((r) => setTimeout(r, 1_000));
    await redis.start();
    const expected: Expectation[] = jobs.map((job) => ({ id: job.id, status: 'succeeded' }));
    const verdict = await judgeScenario('redis-restart', system.api, expected, { timeoutMs: RECOVERY_BUDGET_MS, foreignIds: before });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    console.log(`redis restart: every job ended ${Date.now() - restartedAt} ms after the restart`);
  });

  it('a worker warns clearly at start-up when Redis may evict keys, and not when it may not', async () => {
    const admin = new IORedis(redis.url);
    try {
      const quiet = await system.startWorker(['enterprise']);
      expect(quiet.output()).not.toContain('production needs "noeviction"');
      await admin.config('SET', 'maxmemory-policy', 'allkeys-lru');
      const warned = await system.startWorker(['enterprise']);
      const warning = logLines(warned).find((l) => l.level === 40 && String(l.msg).includes('maxmemory-policy'));
      expect(warning).toMatchObject({ maxmemoryPolicy: 'allkeys-lru' });
      expect(warning!.msg).toContain('production needs "noeviction" or queued jobs can be evicted and lost');
    } finally {
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      await admin.quit();
    }
  });
});

/** A job that was running when its worker and its Redis state vanished runs again as a new attempt. */
function rerunAfterLoss(trail: AuditEntry[]): string[] {
  const rerun = trail.find((e) => e.from_status === 'running' && e.to_status === 'running');
  if (!rerun) return ['no new attempt recorded after the loss'];
  return rerun.attempt === 2 && /attempt 1 was lost/.test(rerun.message ?? '')
    ? []
    : [`unexpected re-run step: attempt ${rerun.attempt}, ${rerun.message}`];
}

function startsAre(outcome: JobOutcome, attempts: number[]): string[] {
  const starts = attemptStarts(outcome.trail).map((e) => e.attempt);
  const problems = JSON.stringify(starts) === JSON.stringify(attempts) ? [] : [`attempt starts ${starts.join(',')}, expected ${attempts.join(',')}`];
  if (outcome.job.attempts !== attempts[attempts.length - 1]) problems.push(`attempts ${outcome.job.attempts}`);
  return problems;
}
