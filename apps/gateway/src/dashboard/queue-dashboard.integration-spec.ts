import Fastify from 'fastify';
import { JobQueues, redisOptions } from '@validahub/jobs-queueing';
import { TEST_REDIS_URL, uniqueQueuePrefix } from '@validahub/testing';
import { mountQueueDashboard } from './queue-dashboard';

describe('queue dashboard', () => {
  const queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), uniqueQueuePrefix('dashboard'));
  const app = Fastify();

  beforeAll(async () => {
    await mountQueueDashboard(app, queues.all(), { basePath: '/admin/queues' });
    await app.ready();
  });

  afterAll(async () => {
    for (const q of queues.all()) await q.obliterate({ force: true });
    await queues.close();
    await app.close();
  });

  it('serves the UI and lists every plan queue with its counts', async () => {
    const page = await app.inject({ method: 'GET', url: '/admin/queues' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');

    await queues.queue('pro').add('noop_job', { n: 1 });
    const api = await app.inject({ method: 'GET', url: '/admin/queues/api/queues?activeQueue=queue-pro&status=waiting&page=1' });
    expect(api.statusCode).toBe(200);
    const body = api.json() as { queues: { name: string; counts: Record<string, number> }[] };
    expect(body.queues.map((q) => q.name).sort()).toEqual(['queue-business', 'queue-enterprise', 'queue-free', 'queue-pro']);
    const pro = body.queues.find((q) => q.name === 'queue-pro');
    expect((pro?.counts.waiting ?? 0) + (pro?.counts.prioritized ?? 0)).toBe(1);
  });
});
