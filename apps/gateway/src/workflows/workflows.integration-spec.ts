import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { Reconciler } from '../reconciler/reconciler';
import { createGatewayHarness, GatewayHarness, waitFor } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { startWorker } from '../testing/storage-test-kit';
import { WorkflowAdvancer } from './workflow-advancer';

jest.setTimeout(90_000);

interface StepJson {
  id: string;
  status: string;
  job_id: string | null;
  error: { code: string; message: string } | null;
}
interface WorkflowJson {
  id: string;
  status: string;
  steps: StepJson[];
}

/** Workflows through a real gateway (open mode, plan free), Postgres, Redis and an in-process worker. */
describe('workflows', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;

  beforeAll(async () => {
    harness = await createGatewayHarness('workflows', { ENABLE_TEST_TASKS: 'true', WORKER_SHUTDOWN_GRACE_SECONDS: '1' });
    app = await harness.start();
    worker = await startWorker(harness.config, ['free']);
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
  });

  const post = (steps: unknown[], extra: Record<string, unknown> = {}) =>
    app.inject({ method: 'POST', url: '/api/v1/workflows', payload: { plan: 'free', steps, ...extra } });
  const get = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/workflows/${id}` })).json() as WorkflowJson;
  const finished = (id: string) =>
    waitFor(
      async () => {
        const workflow = await get(id);
        return workflow.status !== 'running' && workflow.steps.every((s) => !['pending', 'running'].includes(s.status)) ? workflow : undefined;
      },
      60_000,
      `workflow ${id} to finish`,
    );
  const sql = (query: string, params: unknown[]) => app.get(DataSource).query(query, params);
  const statuses = (workflow: WorkflowJson) => Object.fromEntries(workflow.steps.map((s) => [s.id, s.status]));
  const job = async (id: string) => (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json();

  it('runs a chain in order, passes an output on by reference, and lists the steps as ordinary jobs', async () => {
    const created = await post([
      { id: 'first', task: 'flaky_job', params: { fail_times: 0 } },
      // A whole-string reference keeps the output's type: succeeded_on_attempt (1) becomes ms: 1.
      { id: 'second', task: 'sleep_job', params: { ms: '${steps.first.output.succeeded_on_attempt}' }, depends_on: ['first'] },
      { id: 'third', task: 'noop_job', params: {}, depends_on: ['second'] },
    ]);
    expect(created.statusCode).toBe(202);
    const body = created.json() as WorkflowJson;
    expect(statuses(body)).toEqual({ first: 'running', second: 'pending', third: 'pending' });
    const done = await finished(body.id);
    expect(done.status).toBe('succeeded');
    expect(statuses(done)).toEqual({ first: 'succeeded', second: 'succeeded', third: 'succeeded' });
    const second = await job(done.steps[1].job_id as string);
    expect(second).toMatchObject({ task_name: 'sleep_job', params: { ms: 1 }, workflow_id: body.id, step_id: 'second' });
    const [a, b, c] = await Promise.all(done.steps.map((s) => job(s.job_id as string)));
    // Each step started only after the one before it finished.
    expect(Date.parse(b.created_at)).toBeGreaterThanOrEqual(Date.parse(a.finished_at));
    expect(Date.parse(c.created_at)).toBeGreaterThanOrEqual(Date.parse(b.finished_at));
    const listed = (await app.inject({ method: 'GET', url: `/api/v1/jobs?workflow_id=${body.id}` })).json();
    expect(listed.items.map((j: { step_id: string }) => j.step_id).sort()).toEqual(['first', 'second', 'third']);
  });

  it('a failing middle step skips its dependants while an independent branch finishes', async () => {
    const created = await post([
      { id: 'root', task: 'noop_job', params: {} },
      { id: 'breaks', task: 'flaky_job', params: { fail_times: 1, permanent: true }, depends_on: ['root'] },
      { id: 'after', task: 'noop_job', params: {}, depends_on: ['breaks'] },
      { id: 'after-after', task: 'noop_job', params: {}, depends_on: ['after', 'root'] },
      { id: 'branch', task: 'sleep_job', params: { ms: 300 }, depends_on: ['root'] },
    ]);
    const done = await finished((created.json() as WorkflowJson).id);
    expect(done.status).toBe('failed');
    expect(statuses(done)).toEqual({ root: 'succeeded', breaks: 'failed', after: 'skipped', 'after-after': 'skipped', branch: 'succeeded' });
    expect(done.steps.find((s) => s.id === 'after')?.job_id).toBeNull();
  });

  it('a step whose reference names a missing output fails with the reason, and skips its dependants', async () => {
    const created = await post([
      { id: 'a', task: 'noop_job', params: {} },
      { id: 'b', task: 'sleep_job', params: { ms: '${steps.a.output.size}' }, depends_on: ['a'] },
      { id: 'c', task: 'noop_job', params: {}, depends_on: ['b'] },
    ]);
    const done = await finished((created.json() as WorkflowJson).id);
    expect(statuses(done)).toEqual({ a: 'succeeded', b: 'failed', c: 'skipped' });
    expect(done.steps[1].error).toMatchObject({ code: 'unresolved_reference', message: expect.stringContaining('steps.a.output.size') });
  });

  it('cancel cascades: running steps are cancelled, pending ones skipped, nothing starts afterwards', async () => {
    const created = await post([
      { id: 'long', task: 'sleep_job', params: { ms: 60_000 } },
      { id: 'also-long', task: 'sleep_job', params: { ms: 60_000 } },
      { id: 'next', task: 'noop_job', params: {}, depends_on: ['long'] },
    ]);
    const id = (created.json() as WorkflowJson).id;
    // The free tier runs one job at a time: one long step runs, the other waits in the queue.
    await waitFor(
      async () => {
        const steps = (await get(id)).steps;
        return (await Promise.all(steps.filter((s) => s.job_id).map((s) => job(s.job_id as string)))).some((j) => j.status === 'running');
      },
      30_000,
      'a long step running',
    );
    const cancelled = await app.inject({ method: 'DELETE', url: `/api/v1/workflows/${id}` });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
    const done = await finished(id);
    expect(done.status).toBe('cancelled');
    expect(statuses(done)).toEqual({ long: 'cancelled', 'also-long': 'cancelled', next: 'skipped' });
    expect(done.steps[2].job_id).toBeNull();
    expectProblem(await app.inject({ method: 'DELETE', url: `/api/v1/workflows/${id}` }), 409);
  });

  it('refuses a cycle, a dangling dependency, a duplicate id and a bad reference with 400s naming the step', async () => {
    const cycle = expectProblem(
      await post([
        { id: 'a', task: 'noop_job', params: {}, depends_on: ['c'] },
        { id: 'b', task: 'noop_job', params: {}, depends_on: ['a'] },
        { id: 'c', task: 'noop_job', params: {}, depends_on: ['b'] },
      ]),
      400,
    );
    expect(cycle.errors?.[0].message).toMatch(/cycle through steps "a" -> "c" -> "b" -> "a"/);
    const dangling = expectProblem(await post([{ id: 'a', task: 'noop_job', params: {}, depends_on: ['ghost'] }]), 400);
    expect(dangling.errors).toEqual([{ field: 'steps[0].depends_on', message: 'step "a" depends on unknown step "ghost"' }]);
    const duplicate = expectProblem(
      await post([
        { id: 'a', task: 'noop_job', params: {} },
        { id: 'a', task: 'noop_job', params: {} },
      ]),
      400,
    );
    expect(duplicate.errors).toEqual([{ field: 'steps[1].id', message: 'duplicate step id "a"' }]);
    const sibling = expectProblem(
      await post([
        { id: 'a', task: 'noop_job', params: {} },
        { id: 'b', task: 'sleep_job', params: { ms: '${steps.c.output.size}' }, depends_on: ['a'] },
        { id: 'c', task: 'noop_job', params: {}, depends_on: ['a'] },
      ]),
      400,
    );
    expect(sibling.errors).toEqual([
      { field: 'steps[1].params.ms', message: 'step "b" refers to "c", which is not among its dependencies (direct or indirect)' },
    ]);
    const malformed = expectProblem(await post([{ id: 'a', task: 'sleep_job', params: { ms: '${steps.a.size}' } }]), 400);
    expect(malformed.errors?.[0].field).toBe('steps[0].params.ms');
    const badParams = expectProblem(await post([{ id: 'x', task: 'sleep_job', params: { ms: 'soon' } }]), 400);
    expect(badParams.errors).toEqual([{ field: 'steps[0].params.ms', message: 'step "x": must be an integer' }]);
    const tooMany = expectProblem(await post(Array.from({ length: 21 }, (_, i) => ({ id: `s${i}`, task: 'noop_job', params: {} }))), 400);
    expect(tooMany.errors?.map((e) => e.field)).toContain('steps');
    expectProblem(await post([{ id: 'a', task: 'generate_nothing', params: {} }]), 400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/workflows' })).json().items.length).toBeGreaterThan(0);
  });

  it('starts a step exactly once when many advances race, and an idempotency key replays the workflow', async () => {
    // No worker serves this plan's queue: the steps stay where the advances put them.
    const created = await post(
      [
        { id: 'a', task: 'noop_job', params: {} },
        { id: 'b', task: 'noop_job', params: {}, depends_on: ['a'] },
      ],
      { plan: 'business', idempotency_key: 'wf-race' },
    );
    const id = (created.json() as WorkflowJson).id;
    const replay = await post([{ id: 'other', task: 'noop_job', params: {} }], { plan: 'business', idempotency_key: 'wf-race' });
    expect(replay.json().id).toBe(id);
    const first = (await get(id)).steps[0].job_id as string;
    // a succeeded as an applier would record it, with no advance yet (as if the gateway died right after).
    await sql(`UPDATE jobs SET status = 'succeeded', finished_at = now(), summary = '{}' WHERE id = $1`, [first]);
    const second = await harness.start();
    const advancers = [app.get(WorkflowAdvancer), second.get(WorkflowAdvancer)];
    await Promise.all(Array.from({ length: 10 }, (_, i) => advancers[i % 2].advance(id)));
    const rows = await sql(`SELECT step_id, count(*)::int AS jobs FROM jobs WHERE workflow_id = $1 GROUP BY step_id ORDER BY step_id`, [id]);
    expect(rows).toEqual([
      { step_id: 'a', jobs: 1 },
      { step_id: 'b', jobs: 1 },
    ]);
    await harness.stop(second);
  });

  it('the reconciler repairs a workflow whose next step was never created', async () => {
    const created = await post(
      [
        { id: 'a', task: 'noop_job', params: {} },
        { id: 'b', task: 'noop_job', params: {}, depends_on: ['a'] },
      ],
      { plan: 'business' },
    );
    const id = (created.json() as WorkflowJson).id;
    const first = (await get(id)).steps[0].job_id as string;
    await sql(`UPDATE jobs SET status = 'succeeded', finished_at = now(), summary = '{}' WHERE id = $1`, [first]);
    expect((await get(id)).steps[1]).toMatchObject({ status: 'pending', job_id: null });
    const report = await app.get(Reconciler).reconcileOnce(new Date(Date.now() + 60_000));
    expect(report.workflowsRepaired).toBe(1);
    expect((await get(id)).steps[1]).toMatchObject({ status: 'running', job_id: expect.any(String) });
  });
});
