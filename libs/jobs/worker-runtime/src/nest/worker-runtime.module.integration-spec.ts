import { NestFactory } from '@nestjs/core';
import { WorkerRuntime } from '../runtime/worker-runtime';
import { RuntimeHarness, testTaskHandlers, testTaskRegistry } from '../testing/runtime-harness';
import { WorkerRuntimeModule } from './worker-runtime.module';

// Jest ignores testTimeout set on a project; retries, time limits and slow CI need more than 5 s.
jest.setTimeout(30_000);

describe('WorkerRuntimeModule', () => {
  const h = new RuntimeHarness('nest');
  afterAll(() => h.close());

  it('starts the runtime when the context is created and drains it on close', async () => {
    const app = await NestFactory.createApplicationContext(
      WorkerRuntimeModule.forRoot({ config: h.config, plans: ['pro'], overrides: { handlers: testTaskHandlers(h.config), registry: testTaskRegistry(), shutdownGraceMs: 2_000 } }),
      { logger: false },
    );
    const runtime = app.get(WorkerRuntime);
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

  it('refuses to start when a shipped task has no handler', async () => {
    const creating = NestFactory.createApplicationContext(
      WorkerRuntimeModule.forRoot({ config: h.config, plans: ['pro'], overrides: { handlers: { noop_job: testTaskHandlers(h.config).noop_job } } }),
      { logger: false },
    );
    const error = (await creating.catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/no handler for validate_csv_job/);
    expect(error.message).toMatch(/no handler for correct_csv_job/);
  });
});
