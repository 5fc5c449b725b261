import { JobOutcome } from '../support/audit';
import { jobsLogged } from '../support/process-logs';
import { Expectation, judgeScenario } from '../support/scenario-report';
import { TestSystem, waitForJob } from '../support/system';
import { JobView } from '../support/api-client';

// Cancel on a multi-replica tier: two worker processes serve the pro queue; whichever holds a
// job stops it when the gateway publishes the cancel.
describe('reliability: cancellation across worker replicas', () => {
  let system: TestSystem;
  const allIds: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'cancel' });
    await system.startGateway();
    await system.startWorker(['pro']);
    await system.startWorker(['pro']);
  });
  afterAll(async () => system?.stop());

  const noRetry = ({ job, trail }: JobOutcome) => [
    ...(job.attempts <= 1 ? [] : [`attempts ${job.attempts}`]),
    ...(trail.some((e) => e.to_status === 'retrying') ? ['was retried after a cancel'] : []),
  ];

  it('running jobs stop on whichever replica runs them; waiting ones are removed at once', async () => {
    const running: JobView[] = [];
    for (let i = 0; i < 4; i += 1) running.push(await system.api.createJob('sleep_job', { ms: 60_000 }, 'pro'));
    for (const job of running) await waitForJob(system.api, job.id, (s) => s === 'running', 20_000);
    // Both replicas are full (2 slots each): these wait in the queue.
    const waiting = [await system.api.createJob('sleep_job', { ms: 60_000 }, 'pro'), await system.api.createJob('sleep_job', { ms: 60_000 }, 'pro')];
    allIds.push(...running.map((j) => j.id), ...waiting.map((j) => j.id));

    for (const job of waiting) {
      const response = await system.api.cancel(job.id);
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('cancelled');
    }
    for (const job of running) {
      const response = await system.api.cancel(job.id);
      expect(response.status).toBe(202);
      expect(response.body.cancel_requested).toBe(true);
    }
    const expected: Expectation[] = [
      ...running.map((job) => ({
        id: job.id,
        status: 'cancelled',
        check: (o: JobOutcome) => [...noRetry(o), ...(o.trail.at(-1)!.actor === 'worker' ? [] : ['not cancelled by its worker'])],
      })),
      ...waiting.map((job) => ({
        id: job.id,
        status: 'cancelled',
        check: (o: JobOutcome) => [...noRetry(o), ...(o.trail.some((e) => e.to_status === 'running') ? ['a removed job ran'] : [])],
      })),
    ];
    const verdict = await judgeScenario('cancel-multi-replica', system.api, expected, { timeoutMs: 20_000, foreignIds: allIds });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);

    // Each replica aborted the jobs it held, and only those.
    const [first, second] = system.processes.filter((p) => p.name.startsWith('worker'));
    const abortedBy = (p: typeof first) => jobsLogged(p, 'cancel request: aborting the running attempt');
    expect(abortedBy(first).length).toBe(2);
    expect(abortedBy(second).length).toBe(2);
    expect(new Set([...abortedBy(first), ...abortedBy(second)])).toEqual(new Set(running.map((j) => j.id)));
    // The waiting jobs never reached a worker.
    for (const p of [first, second]) for (const job of waiting) expect(jobsLogged(p, 'attempt started')).not.toContain(job.id);
  });

  it('a cancel racing completion ends in exactly one terminal state', async () => {
    const jobs: JobView[] = [];
    for (let i = 0; i < 8; i += 1) jobs.push(await system.api.createJob('sleep_job', { ms: 700 }, 'pro'));
    allIds.push(...jobs.map((j) => j.id));
    const answers = new Map<string, number>();
    await Promise.all(
      jobs.map(async (job, i) => {
        await waitForJob(system.api, job.id, (s) => s !== 'queued', 30_000);
        // Land the cancel around the moment the sleep ends.
        await new Promise((r) => setTimeout(r, 450 + i * 60));
        answers.set(job.id, (await system.api.cancel(job.id)).status);
      }),
    );
    const expected: Expectation[] = jobs.map((job) => ({
      id: job.id,
      status: ['succeeded', 'cancelled'],
      check: (o: JobOutcome) => {
        const answer = answers.get(job.id);
        const problems = noRetry(o);
        if (answer === 409 && o.job.status !== 'succeeded') problems.push(`cancel answered 409 but the job ended ${o.job.status}`);
        if (![200, 202, 409].includes(answer ?? 0)) problems.push(`cancel answered ${answer}`);
        if (o.job.status === 'succeeded' && !o.job.summary) problems.push('succeeded without its result');
        return problems;
      },
    }));
    const verdict = await judgeScenario('cancel-race', system.api, expected, { timeoutMs: 30_000, foreignIds: allIds });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    // Which way each race went depends on timing; the split is reported, not asserted.
    const outcomes = [...verdict.outcomes.values()].map((o) => o.job.status);
    console.log(
      `cancel race: ${outcomes.filter((s) => s === 'cancelled').length} cancelled, ${outcomes.filter((s) => s === 'succeeded').length} succeeded`,
    );
  });
});
