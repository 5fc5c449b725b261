import { PrivatePostgres, startPrivatePostgres, waitFor } from '@validahub/testing';
import { jobsLogged } from '../support/process-logs';
import { Expectation, judgeScenario } from '../support/scenario-report';
import { TestSystem, waitForJob } from '../support/system';
import { JobView } from '../support/api-client';

// Postgres stopped for several seconds (a private cluster; the shared server is never touched).
// The API answers 503 at once, workers keep working (they never talk to Postgres), and the job
// table catches up from the event stream once Postgres is back.
describe('reliability: Postgres unreachable for a while', () => {
  let postgres: PrivatePostgres;
  let system: TestSystem;

  beforeAll(async () => {
    postgres = await startPrivatePostgres();
    system = await TestSystem.create({ label: 'pgdown', databaseUrl: postgres.url });
    await system.startGateway();
  });
  afterAll(async () => {
    await system?.stop();
    await postgres?.destroy();
  });

  it('API 503 fast while down, workers keep finishing, the table catches up', async () => {
    const workers = [await system.startWorker(['pro']), await system.startWorker(['pro'])];
    const jobs: JobView[] = [];
    for (let i = 0; i < 8; i += 1) jobs.push(await system.api.createJob('sleep_job', { ms: 1_500 }, 'pro'));
    await waitForJob(system.api, jobs[0].id, (s) => s === 'running');
    await postgres.stop();
    const downAt = Date.now();

    const create = await system.api.request<Record<string, unknown>>('POST', '/api/v1/jobs', { task: 'noop_job', params: {}, plan: 'pro' });
    const read = await system.api.request<Record<string, unknown>>('GET', `/api/v1/jobs/${jobs[0].id}`);
    const ready = await system.api.request<Record<string, unknown>>('GET', '/health/ready');
    const live = await system.api.request('GET', '/health/live');
    for (const response of [create, read]) {
      expect(response.status).toBe(503);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(response.body).toMatchObject({ status: 503, dependency: 'postgres' });
      expect(response.headers.get('retry-after')).toBeTruthy();
      expect(response.tookMs).toBeLessThan(3_500);
    }
    expect(ready.status).toBe(503);
    expect(live.status).toBe(200);

    // Every job runs to its end while Postgres is still down.
    const finished = () => new Set(workers.flatMap((w) => jobsLogged(w, 'attempt succeeded')));
    await waitFor(() => jobs.every((job) => finished().has(job.id)), 30_000, 'workers to finish the batch without Postgres');
    // Keep it down a little longer: the events wait in the stream.
    await new Promise((r) => setTimeout(r, Math.max(0, 6_000 - (Date.now() - downAt))));
    const downForMs = Date.now() - downAt;
    expect(system.gateway!.child.exitCode).toBeNull(); // no crash

    await postgres.start();
    const backAt = Date.now();
    const expected: Expectation[] = jobs.map((job) => ({ id: job.id, status: 'succeeded' }));
    const verdict = await judgeScenario('postgres-outage', system.api, expected, { timeoutMs: 30_000 });
    expect(verdict.problems).toEqual([]);
    expect(verdict.asExpected).toBe(expected.length);
    console.log(
      `postgres outage: down ${downForMs} ms, create answered 503 in ${create.tookMs} ms, table caught up ${Date.now() - backAt} ms after restart`,
    );
  });
});
