import { waitFor } from '@validahub/testing';
import { jobsLogged, logLines } from '../support/process-logs';
import { TestSystem } from '../support/system';
import { createWorkflow, judgeWorkflow, waitForWorkflow, WorkflowJson } from '../support/workflow-report';

// Workflows under the same faults as single jobs: a worker SIGKILLed while a step runs, and the
// gateway (the component that advances workflows) SIGKILLed while steps are being advanced.
// Every step must run exactly once and the workflow end succeeded.
describe('reliability: workflows across worker and gateway crashes', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await TestSystem.create({ label: 'workflows' });
  });
  afterAll(async () => system?.stop());

  const stepJob = (workflow: WorkflowJson, stepId: string) => workflow.steps.find((s) => s.id === stepId)?.job_id ?? null;

  it('a worker SIGKILLed while steps run: the steps are picked up again, each runs once, the workflow succeeds', async () => {
    await system.startGateway();
    const doomed = await system.startWorker(['pro']);
    const workflow = await createWorkflow(system.api, {
      name: 'worker-crash',
      plan: 'pro',
      steps: [
        { id: 'prepare', task: 'noop_job', params: {} },
        { id: 'left', task: 'sleep_job', params: { ms: 2_500 }, depends_on: ['prepare'] },
        { id: 'right', task: 'sleep_job', params: { ms: 2_500 }, depends_on: ['prepare'] },
        { id: 'join', task: 'noop_job', params: {}, depends_on: ['left', 'right'] },
        { id: 'tail', task: 'sleep_job', params: { ms: 300 }, depends_on: ['join'] },
      ],
    });
    const started = await waitForWorkflow(
      system.api,
      workflow.id,
      (w) => !!stepJob(w, 'left') && !!stepJob(w, 'right'),
      20_000,
      'left and right started',
    );
    const sleepers = [stepJob(started, 'left'), stepJob(started, 'right')];
    await waitFor(() => jobsLogged(doomed, 'attempt started').some((id) => sleepers.includes(id)), 20_000, 'the doomed worker running a sleep step');
    await doomed.kill('SIGKILL');
    const killedMidStep = jobsLogged(doomed, 'attempt started').filter(
      (id) => sleepers.includes(id) && !jobsLogged(doomed, 'attempt succeeded').includes(id),
    );
    expect(killedMidStep.length).toBeGreaterThan(0);

    const survivor = await system.startWorker(['pro']);
    const verdict = await judgeWorkflow('workflow-worker-sigkill', system.api, workflow.id, 60_000);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ steps: 5, ranOnce: 5, lost: 0, duplicated: 0 });
    // The survivor finished what the dead worker held (stalled-job recovery).
    for (const id of killedMidStep) expect(jobsLogged(survivor, 'attempt succeeded')).toContain(id);
    await survivor.kill('SIGTERM');
  });

  it("the gateway SIGKILLed while a step runs: the step's success waits in the stream, the restarted gateway starts what follows", async () => {
    const worker = await system.startWorker(['pro']);
    const workflow = await createWorkflow(system.api, {
      name: 'gateway-crash-between-steps',
      plan: 'pro',
      steps: [
        { id: 'a', task: 'noop_job', params: {} },
        { id: 'b', task: 'sleep_job', params: { ms: 1_500 }, depends_on: ['a'] },
        { id: 'c', task: 'noop_job', params: {}, depends_on: ['b'] },
        { id: 'd', task: 'noop_job', params: {}, depends_on: ['b'] },
      ],
    });
    const running = await waitForWorkflow(system.api, workflow.id, (w) => !!stepJob(w, 'b'), 20_000, 'step b started');
    const b = stepJob(running, 'b') as string;
    await waitFor(() => jobsLogged(worker, 'attempt started').includes(b), 20_000, 'step b running');
    await system.gateway!.kill('SIGKILL');
    // b ends while no gateway runs: its success event is in the stream, nothing has advanced.
    await waitFor(() => jobsLogged(worker, 'attempt succeeded').includes(b), 20_000, 'step b to finish on the worker');

    await system.startGateway();
    const verdict = await judgeWorkflow('workflow-gateway-sigkill-between-steps', system.api, workflow.id, 60_000);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ steps: 4, ranOnce: 4, lost: 0, duplicated: 0 });
    await worker.kill('SIGTERM');
  });

  it("the gateway SIGKILLed right after committing the next step's job, before enqueueing it: replayed and re-enqueued once", async () => {
    await system.gateway!.kill('SIGTERM');
    const worker = await system.startWorker(['pro']);
    // The hook counts every job this gateway creates: a's at create, then b's when a succeeded.
    const crashing = await system.startGateway({ TEST_CRASH_AFTER_INSERT: '2' });
    const workflow = await createWorkflow(system.api, {
      name: 'gateway-crash-while-advancing',
      plan: 'pro',
      steps: [
        { id: 'a', task: 'noop_job', params: {} },
        { id: 'b', task: 'sleep_job', params: { ms: 300 }, depends_on: ['a'] },
        { id: 'c', task: 'noop_job', params: {}, depends_on: ['b'] },
      ],
    });
    expect((await crashing.exited).code).toBe(137);

    const restarted = await system.startGateway();
    const verdict = await judgeWorkflow('workflow-gateway-sigkill-while-advancing', system.api, workflow.id, 60_000);
    expect(verdict.problems).toEqual([]);
    expect(verdict).toMatchObject({ steps: 3, ranOnce: 3, lost: 0, duplicated: 0 });
    // b's job was committed by the dead gateway and never enqueued: the reconciler enqueued it.
    const b = stepJob(verdict.workflow, 'b');
    await waitFor(
      () => logLines(restarted).some((l) => l.msg === 're-enqueued a job missing from its queue' && l.job_id === b),
      5_000,
      "the reconciler logged the re-enqueue of b's job",
    );
    await worker.kill('SIGTERM');
  });
});
