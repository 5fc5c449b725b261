import { waitFor } from '@validahub/testing';
import { JobOutcome } from '../support/audit';
import { jobsLogged } from '../support/process-logs';
import { Expectation, judgeScenario } from '../support/scenario-report';
import { TestSystem, waitForJob } from '../support/system';
import { JobView } from '../support/api-client';

// Workers dying (SIGKILL) and stopping (SIGTERM) mid-batch. Stalled-job detection runs with
// a 4 s lock and a 1 s check here (production: 30 s / 15 s), see support/system.ts.
describe('reliability: worker crashes and graceful shutdown', () => {
  let system: TestSystem;
  const allIds: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'workers' });
    await system.startGateway();
  });
  afterAll(async () => system?.stop());

  const ranOnce = ({ job, trail }: JobOutcome) =>
    (job.summary ? [] : ['no result']).concat(trail.filter((e) => e.to_status === 'succeeded').length === 1 ? [] : ['not exactly one success']);

  it('a worker killed with SIGKILL mid-job: its jobs are picked up again and end once', async () => {
    const doomed = await system.startWorker(['pro']);
    const survivor = await system.startWorker(['pro']);
    const jobs: JobView[] = [];
    for (let i = 0; i < 8; i += 1) jobs.push(await system.api.createJob('sleep_job', { ms: 2_500 }, 'pro'));
    allIds.push(...jobs.map((j) => j.id));
    await waitFor(() => jobsLogged(doomed, 'attempt started').length >= 2, 20_000, 'the doomed worker to hold two jobs');
    await doomed.kill('SIGKILL');
    const killedMidJob = jobsLogged(doomed, 'attempt started').filter((id) => !jobsLogged(doomed, 'attempt succeeded').includes(id));
    expect(killedMidJob.length).toBeGreaterThan(0);

    const expected: Expectation[] = jobs.map((job) => ({ id: job.id, status: 'succeeded', check: ranOnce }));
    const verdict = await judgeScenario('worker-sigkill', system.api, expected, { timeoutMs: 40_000, foreignIds: allIds });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    // The survivor ran what the dead worker held (stalled-job recovery), as the same attempt.
    for (const id of killedMidJob) {
      expect(jobsLogged(survivor, 'attempt succeeded')).toContain(id);
      expect(verdict.outcomes.get(id)!.job.attempts).toBe(1);
    }
    await survivor.kill('SIGTERM');
  });

  it('SIGTERM: the worker stops taking jobs, finishes short ones within the grace, hands the rest back', async () => {
    const stopping = await system.startWorker(['business'], { WORKER_SHUTDOWN_GRACE_SECONDS: '2' });
    const short = await system.api.createJob('sleep_job', { ms: 1_000 }, 'business');
    const long = await system.api.createJob('sleep_job', { ms: 6_000 }, 'business');
    allIds.push(short.id, long.id);
    await waitForJob(system.api, short.id, (s) => s === 'running');
    await waitForJob(system.api, long.id, (s) => s === 'running');
    const stopAt = Date.now();
    stopping.child.kill('SIGTERM');
    // Submitted while it drains: it must not take this one.
    const late = await system.api.createJob('sleep_job', { ms: 100 }, 'business');
    allIds.push(late.id);
    const exit = await stopping.exited;
    const stopMs = Date.now() - stopAt;
    expect(exit.code === 0 || exit.signal === 'SIGTERM' || exit.code === 143).toBe(true);
    expect(stopMs).toBeLessThan(2_000 + 3_000);
    expect(jobsLogged(stopping, 'attempt succeeded')).toContain(short.id);
    expect(jobsLogged(stopping, 'worker stopping: job handed back to its queue')).toContain(long.id);
    expect(jobsLogged(stopping, 'attempt started')).not.toContain(late.id);

    const next = await system.startWorker(['business']);
    const expected: Expectation[] = [short, long, late].map((job) => ({ id: job.id, status: 'succeeded', check: ranOnce }));
    const verdict = await judgeScenario('worker-sigterm', system.api, expected, { timeoutMs: 30_000, foreignIds: allIds });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    expect(jobsLogged(next, 'attempt succeeded')).toEqual(expect.arrayContaining([long.id, late.id]));
    // Handing back spends no attempt.
    expect(verdict.outcomes.get(long.id)!.job.attempts).toBe(1);
    console.log(`worker SIGTERM: stopped in ${stopMs} ms`);
  });
});
