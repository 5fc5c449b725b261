import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { TEST_REDIS_URL } from '@validahub/testing';
import { RuntimeHarness, TERMINAL_EVENTS, waitFor } from './testing/runtime-harness';

// Jest ignores testTimeout set on a project; process start-up plus a hand-back needs more than 5 s.
jest.setTimeout(90_000);

const root = join(__dirname, '..', '..', '..', '..');

/** A worker app as it runs in production: its own node process, configured by environment. */
function startWorkerApp(
  app: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<{ code: number | null; signal: string | null }> } {
  let output = '';
  const child = spawn(process.execPath, ['-r', '@swc-node/register', `apps/${app}/src/main.ts`], {
    cwd: root,
    env: { ...process.env, REDIS_URL: TEST_REDIS_URL, ENABLE_TEST_TASKS: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

describe('worker apps as processes', () => {
  const h = new RuntimeHarness('apps');
  const children: ChildProcess[] = [];
  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await h.close();
  });

  const env = () => ({ QUEUE_PREFIX: h.prefix, WORKER_SHUTDOWN_GRACE_SECONDS: '1', LOG_LEVEL: 'info' });

  it('SIGTERM hands the running job back; the next worker process finishes it', async () => {
    const first = startWorkerApp('worker-pro', env());
    children.push(first.child);
    await waitFor(() => first.output().includes('"worker ready"'), 30_000, 'first worker ready');
    const job = await h.enqueue('sleep_job', { ms: 4_000 }, { plan: 'pro' });
    await h.waitForEvent(job.jobId, 'started');
    const stopAt = Date.now();
    first.child.kill('SIGTERM');
    const exit = await first.exited;
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(Date.now() - stopAt).toBeLessThan(5_000);
    expect(first.output()).toContain('handed back to its queue');
    expect((await h.events(job.jobId)).filter((e) => TERMINAL_EVENTS.includes(e.type))).toEqual([]);

    const second = startWorkerApp('worker-pro', env());
    children.push(second.child);
    const done = await h.waitForEvent(job.jobId, 'succeeded', 40_000);
    expect(done.attempt).toBe(1);
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('WORKER_PLANS makes one process serve several queues, each job logged with its ids', async () => {
    const all = startWorkerApp('worker-free', { ...env(), WORKER_PLANS: 'free,enterprise' });
    children.push(all.child);
    await waitFor(() => all.output().includes('"worker ready"'), 30_000, 'worker ready');
    const free = await h.enqueue('noop_job', {}, { plan: 'free' });
    const enterprise = await h.enqueue('noop_job', {}, { plan: 'enterprise' });
    await h.waitForEvent(free.jobId, 'succeeded');
    await h.waitForEvent(enterprise.jobId, 'succeeded');
    all.child.kill('SIGTERM');
    await all.exited;
    const lines = all
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    expect(lines.filter((l) => l.msg === 'serving queue').map((l) => l.queue)).toEqual(['queue-free', 'queue-enterprise']);
    const jobLines = lines.filter((l) => l.jobId === enterprise.jobId);
    expect(jobLines.length).toBeGreaterThanOrEqual(2);
    for (const line of jobLines) expect(line).toMatchObject({ task: 'noop_job', attempt: 1, correlationId: enterprise.correlationId });
  });

  it('refuses to start with a clear message when the configuration is invalid', async () => {
    const bad = startWorkerApp('worker-business', { ...env(), WORKER_PLANS: 'gold', PROGRESS_THROTTLE_MS: 'fast' });
    children.push(bad.child);
    const exit = await bad.exited;
    expect(exit.code).toBe(1);
    expect(bad.output()).toMatch(/WORKER_PLANS has unknown plan\(s\) gold/);
    expect(bad.output()).toContain('PROGRESS_THROTTLE_MS');
  });
});
