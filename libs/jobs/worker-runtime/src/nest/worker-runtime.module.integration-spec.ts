import { NestFactory } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import { RuntimeHarness, TEST_TASKS, testTaskRegistry } from '../testing/runtime-harness';
import { PlanQueueProcessor, QUEUE_PROCESSORS } from './plan-queue-processor';
import { WorkerLifecycle } from './worker-lifecycle';
import { WorkerRuntimeModule } from './worker-runtime.module';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

describe('WorkerRuntimeModule', () => {
  const h = new RuntimeHarness('nest', { WORKER_CONCURRENCY: '4', WORKER_LOCK_DURATION_MS: '7000', WORKER_STALLED_INTERVAL_MS: '3000' });
  afterAll(() => h.close());

  it('starts the runtime when the context is created and drains it on close', async () => {
    const app = await NestFactory.createApplicationContext(
      WorkerRuntimeModule.forRoot({
        config: h.config,
        plans: ['pro'],
        tasks: TEST_TASKS,
        registry: testTaskRegistry(),
        shutdownGraceMs: 2_000,
      }),
      { logger: false },
    );
    const runtime = app.get(WorkerLifecycle);
    expect(runtime.plans).toEqual(['pro']);
    const quick = await h.enqueue('noop_job', {}, { plan: 'pro' });
    await h.waitForEvent(quick.jobId, 'succeeded');

    const slow = await h.enqueue('sleep_job', { ms: 400 }, { plan: 'pro' });
    await h.waitForEvent(slow.jobId, 'started');
    await app.close();
    // close() waited for the running job instead of cutting it off.
    expect((await h.events(slow.jobId)).at(-1)?.type).toBe('succeeded');
    expect(runtime.runningJobs).toBe(0);
  });

  it('serves each plan through its own @nestjs/bullmq processor, with worker options from config', async () => {
    const app = await NestFactory.createApplicationContext(
      WorkerRuntimeModule.forRoot({
        config: h.config,
        plans: ['free', 'enterprise'],
        tasks: TEST_TASKS,
        registry: testTaskRegistry(),
        workerName: 'w-opts',
      }),
      { logger: false },
    );
    try {
      const processors = app.get<PlanQueueProcessor[]>(QUEUE_PROCESSORS);
      expect(processors.map((p) => [p.constructor.name, p.worker.name])).toEqual([
        ['FreeQueueProcessor', 'queue-free'],
        ['EnterpriseQueueProcessor', 'queue-enterprise'],
      ]);
      for (const { worker } of processors) {
        expect(worker).toBeDefined();
        expect(worker.opts).toMatchObject({
          prefix: h.prefix,
          name: 'w-opts',
          concurrency: 4,
          lockDuration: 7_000,
          stalledInterval: 3_000,
          maxStalledCount: 1,
        });
        expect(typeof worker.opts.settings?.backoffStrategy).toBe('function');
        expect(worker.isRunning()).toBe(true);
      }
      expect(processors.every((p) => p instanceof WorkerHost)).toBe(true);
      const job = await h.enqueue('noop_job', {}, { plan: 'enterprise' });
      expect(await h.waitForEvent(job.jobId, 'started')).toMatchObject({ worker: 'w-opts' });
    } finally {
      await app.close();
    }
  });

  it('refuses to be built, before touching Redis, when a shipped task has no handler', () => {
    expect(() => WorkerRuntimeModule.forRoot({ config: h.config, plans: ['pro'], handlers: { noop_job: async () => ({}) } })).toThrow(
      /no handler for correct_csv_job.*no handler for validate_csv_job/,
    );
  });
});
