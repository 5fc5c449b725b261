import { counter, createMetricsRegistry, httpDurationHistogram } from './metrics';

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
});
