import pino from 'pino';
import { createMetricsRegistry } from '@validahub/observability';
import { RuntimeHarness } from '../testing/runtime-harness';
import { WorkerHttpEndpoint } from './worker-http-endpoint';

jest.setTimeout(30_000);

const get = (port: number, path: string, method = 'GET') => fetch(`http://127.0.0.1:${port}${path}`, { method });

describe('worker health and metrics endpoint (WORKER_HTTP_PORT)', () => {
  const h = new RuntimeHarness('worker-http', { WORKER_HTTP_PORT: '0' });
  afterAll(() => h.close());

  it('answers the probes and exports run time, queue wait and retries by task, plan and outcome', async () => {
    const runtime = await h.startRuntime(['pro']);
    const port = runtime.httpPort!;
    expect(port).toBeGreaterThan(0);
    expect((await get(port, '/health/live')).status).toBe(200);
    const ready = await get(port, '/health/ready');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { runtime: 'up', redis: 'up' } });

    const ok = await h.enqueue('noop_job', {}, { plan: 'pro' });
    const flaky = await h.enqueue('flaky_job', { fail_times: 1 }, { plan: 'pro', maxAttempts: 3 });
    const permanent = await h.enqueue('flaky_job', { fail_times: 1, permanent: true }, { plan: 'pro', maxAttempts: 3 });
    await Promise.all([h.waitForEvent(ok.jobId, 'succeeded'), h.waitForEvent(flaky.jobId, 'succeeded'), h.waitForEvent(permanent.jobId, 'failed')]);

    const response = await get(port, '/metrics');
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    // One series' value, whatever order prom-client writes the labels in.
    const series = (name: string, labels: string) => {
      const wanted = [...labels.split(','), 'service="worker"'];
      const line = text
        .split('\n')
        .find((l) => l.startsWith(`${name}{`) && wanted.every((w) => l.includes(w)) && l.split(',').length === wanted.length);
      return line?.split(' ').at(-1);
    };
    expect(series('validahub_job_run_seconds_count', 'task="noop_job",plan="pro",outcome="succeeded"')).toBe('1');
    expect(series('validahub_job_run_seconds_count', 'task="flaky_job",plan="pro",outcome="retrying"')).toBe('1');
    expect(series('validahub_job_run_seconds_count', 'task="flaky_job",plan="pro",outcome="succeeded"')).toBe('1');
    expect(series('validahub_job_run_seconds_count', 'task="flaky_job",plan="pro",outcome="failed"')).toBe('1');
    expect(series('validahub_job_retries_total', 'task="flaky_job",plan="pro"')).toBe('1');
    // Queue wait counts first attempts only: three jobs, not the retry.
    expect(series('validahub_job_queue_wait_seconds_count', 'task="noop_job",plan="pro"')).toBe('1');
    expect(series('validahub_job_queue_wait_seconds_count', 'task="flaky_job",plan="pro"')).toBe('2');
    expect(text).toContain('process_resident_memory_bytes');
    expect(text).not.toContain(ok.jobId);

    expect((await get(port, '/nope')).status).toBe(404);
    const post = await get(port, '/metrics', 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');

    await runtime.stop();
    await expect(get(port, '/health/live')).rejects.toThrow();
  });

  it('labels a job whose task is not registered as unknown, never with the raw name from Redis', async () => {
    const runtime = await h.startRuntime(['free']);
    const junk = await h.enqueue('no_such_task_x1', {}, { plan: 'free' });
    await h.waitForEvent(junk.jobId, 'failed');
    const text = await (await get(runtime.httpPort!, '/metrics')).text();
    const line = text.split('\n').find((l) => l.startsWith('validahub_job_run_seconds_count{') && l.includes('task="unknown"'));
    expect(line).toContain('outcome="failed"');
    expect(line).toMatch(/ 1$/);
    expect(text).not.toContain('no_such_task_x1');
    await runtime.stop();
  });

  it('is unready (503) while the runtime is not serving, with the failing check named', async () => {
    let serving = false;
    const endpoint = new WorkerHttpEndpoint({
      port: 0,
      registry: createMetricsRegistry({ processMetrics: false }),
      logger: pino({ level: 'silent' }),
      ready: async () => ({ ready: serving, checks: { runtime: serving ? 'up' : 'down', redis: 'up' } }),
    });
    await endpoint.listen();
    const unready = await get(endpoint.port!, '/health/ready');
    expect(unready.status).toBe(503);
    expect(await unready.json()).toEqual({ status: 'unavailable', checks: { runtime: 'down', redis: 'up' } });
    serving = true;
    expect((await get(endpoint.port!, '/health/ready')).status).toBe(200);
    await endpoint.close();
  });
});
