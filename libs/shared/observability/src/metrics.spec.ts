import { counter, createMetricsRegistry, httpDurationHistogram, queueDepthGauge } from './metrics';

describe('metrics registry helpers', () => {
  it('gives each registry its own series so two apps in one process do not collide', async () => {
    const a = createMetricsRegistry({ processMetrics: false, defaultLabels: { service: 'a' } });
    const b = createMetricsRegistry({ processMetrics: false });
    counter(a, 'jobs_total', 'jobs', ['task']).inc({ task: 'x' }, 2);
    counter(b, 'jobs_total', 'jobs', ['task']).inc({ task: 'x' });
    expect(await a.metrics()).toContain('jobs_total{task="x",service="a"} 2');
    expect(await b.metrics()).toContain('jobs_total{task="x"} 1');
  });

  it('records request durations by route pattern', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    httpDurationHistogram(registry).observe({ method: 'GET', route: '/api/v1/jobs/:id', status_code: '200' }, 0.02);
    const text = await registry.metrics();
    expect(text).toContain('http_request_duration_seconds_count{method="GET",route="/api/v1/jobs/:id",status_code="200"} 1');
  });

  it('includes process metrics unless turned off', async () => {
    expect(await createMetricsRegistry().metrics()).toContain('process_cpu_user_seconds_total');
  });

  it('reads queue depth at scrape time, every state of every plan, 0 for a state the reader left out', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    let waiting = 3;
    queueDepthGauge(registry, async () => [
      { plan: 'pro', counts: { waiting, prioritized: 2, delayed: 1, active: 4 } },
      { plan: 'free', counts: { waiting: 1 } },
    ]);
    expect(await registry.metrics()).toContain('validahub_queue_jobs{plan="pro",state="waiting"} 3');
    waiting = 7;
    const text = await registry.metrics();
    expect(text).toContain('validahub_queue_jobs{plan="pro",state="waiting"} 7');
    expect(text).toContain('validahub_queue_jobs{plan="pro",state="prioritized"} 2');
    expect(text).toContain('validahub_queue_jobs{plan="free",state="active"} 0');
  });

  it('leaves the queue series out, and still answers, when the counts fail or take too long', async () => {
    const failing = createMetricsRegistry({ processMetrics: false });
    queueDepthGauge(failing, () => Promise.reject(new Error('redis down')));
    counter(failing, 'jobs_total', 'jobs', ['task']).inc({ task: 'x' });
    const text = await failing.metrics();
    expect(text).not.toContain('validahub_queue_jobs{');
    expect(text).toContain('jobs_total{task="x"} 1');

    const slow = createMetricsRegistry({ processMetrics: false });
    let answer = true;
    queueDepthGauge(slow, () => (answer ? Promise.resolve([{ plan: 'pro', counts: { waiting: 1 } }]) : new Promise(() => undefined)), 50);
    expect(await slow.metrics()).toContain('validahub_queue_jobs{plan="pro",state="waiting"} 1');
    answer = false;
    // The earlier count is not repeated: a stale depth would mislead the autoscaler.
    expect(await slow.metrics()).not.toContain('validahub_queue_jobs{');
  });
});
