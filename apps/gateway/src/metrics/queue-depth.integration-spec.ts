import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createGatewayHarness, GatewayHarness, TEST_METRICS_TOKEN } from '../testing/gateway-harness';

/** The series KEDA scales worker tiers on: read from Redis at every scrape, per plan and state. */
describe('gateway metrics: queue depth per tier (validahub_queue_jobs)', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    harness = await createGatewayHarness('queuedepth', { ENABLE_TEST_TASKS: 'true' });
    app = await harness.start({ eventApplier: false });
  });
  afterAll(() => harness?.close());

  async function depth(): Promise<Record<string, number>> {
    const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(response.statusCode).toBe(200);
    const values: Record<string, number> = {};
    for (const line of response.body.split('\n').filter((l) => l.startsWith('validahub_queue_jobs{'))) {
      const plan = /plan="(\w+)"/.exec(line)![1];
      const state = /state="(\w+)"/.exec(line)![1];
      values[`${plan}.${state}`] = Number(line.split(' ').at(-1));
    }
    return values;
  }

  it('counts jobs ready to run (waiting + prioritized) and delayed for every plan, with no worker running', async () => {
    expect(Object.keys(await depth())).toHaveLength(16);
    const post = (plan: string) => app.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task: 'noop_job', params: {}, plan } });
    for (const plan of ['pro', 'pro', 'enterprise']) expect((await post(plan)).statusCode).toBe(202);
    const now = await depth();
    expect(now['pro.waiting'] + now['pro.prioritized']).toBe(2);
    expect(now['enterprise.waiting'] + now['enterprise.prioritized']).toBe(1);
    expect(now['free.waiting'] + now['free.prioritized']).toBe(0);
    expect(now['pro.active'] + now['pro.delayed']).toBe(0);
  });

  it('is refused without the metrics token', async () => {
    expect((await app.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });
});
