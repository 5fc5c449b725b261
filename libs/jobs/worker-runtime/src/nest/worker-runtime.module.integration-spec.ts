import { NestFactory } from '@nestjs/core';
import { TASK_NAMES } from '@validahub/jobs-domain';
import { WorkerRuntime } from '../runtime/worker-runtime';
import { RuntimeHarness, TEST_TASK_HANDLERS, testTaskRegistry } from '../testing/runtime-harness';
import { WorkerRuntimeModule } from './worker-runtime.module';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

describe('WorkerRuntimeModule', () => {
  const h = new RuntimeHarness('nest');
  afterAll(() => h.close());

  it('starts the runtime when the context is created and drains it on close', async () => {
    const app = await NestFactory.createApplicationContext(
      WorkerRuntimeModule.forRoot({ config: h.config, plans: ['pro'], overrides: { handlers: TEST_TASK_HANDLERS, registry: testTaskRegistry(), shutdownGraceMs: 2_000 } }),
      { logger: false },
    );
    const runtime = app.get(WorkerRuntime);
    expect(runtime.plans).toEqual(['pro']);
    const quick = await h.enqueue(TASK_NAMES.noop, {}, { plan: 'pro' });
    await h.waitForEvent(quick.jobId, 'succeeded');

    const slow = await h.enqueue(TASK_NAMES.sleep, { ms: 400 }, { plan: 'pro' });
    await h.waitForEvent(slow.jobId, 'started');
    await app.close();
    // close() waited for the running job instead of cutting it off.
    expect((await h.events(slow.jobId)).at(-1)?.type).toBe('succeeded');
    expect(runtime.runningJobs).toBe(0);
  });

  it('refuses to start when a shipped task has no handler', async () => {
    const creating = NestFactory.createApplicationContext(
      WorkerRuntimeModule.forRoot({ config: h.config, plans: ['pro'], overrides: { handlers: { noop_job: TEST_TASK_HANDLERS.noop_job } } }),
      { logger: false },
    );
    await expect(creating).rejects.toThrow(/no handler for validate_csv_job.*no handler for correct_csv_job/);
  });
});
