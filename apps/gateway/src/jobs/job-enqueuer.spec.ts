import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@validahub/config';
import { ANONYMOUS_TENANT_ID, Plan } from '@validahub/jobs-domain';
import { JobEntity } from '@validahub/jobs-persistence';
import { checkPayloadSignature, JobQueues } from '@validahub/jobs-queueing';
import { createTaskRegistry } from '@validahub/jobs-tasks';
import { RunningLimits } from '../limits/running-limits';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { FakeJobQueues } from '../testing/gateway-fakes';
import { JobEnqueuer } from './job-enqueuer';

const BUSY = randomUUID();
const OVERRIDDEN = randomUUID();

function job(tenantId: string, plan: Plan, fairRank: number): JobEntity {
  return Object.assign(new JobEntity(), {
    id: randomUUID(),
    tenantId,
    taskName: 'noop_job',
    params: {},
    priority: 5,
    plan,
    maxAttempts: 1,
    correlationId: 'corr',
    expiresAt: null,
    fairRank,
  });
}

function setup(env: Record<string, string> = {}) {
  const config = loadConfig({ ENABLE_TEST_TASKS: 'true', LOG_LEVEL: 'silent', ...env });
  const queues = new FakeJobQueues();
  const queries: unknown[][] = [];
  // Postgres as the lookup sees it: one tenant with an override of its running limit.
  const dataSource = {
    query: async (_sql: string, parameters: unknown[]) => {
      queries.push(parameters);
      return [{ id: OVERRIDDEN, limit_overrides: { running_at_once: 4 } }];
    },
  } as unknown as DataSource;
  const enqueuer = new JobEnqueuer(
    config,
    createTaskRegistry({ includeTestTasks: true }),
    queues as unknown as JobQueues,
    new GatewayMetrics(new Registry()),
    new RunningLimits(config, dataSource),
  );
  return { config, queues, queries, enqueuer };
}

describe('JobEnqueuer: fair order and running limits', () => {
  it("gives a batch's jobs their fair rank and their tenant's running limit, signed (one override lookup per batch)", async () => {
    const s = setup();
    const jobs = [job(BUSY, 'pro', 7), job(OVERRIDDEN, 'pro', 1), job(BUSY, 'business', 2), job(ANONYMOUS_TENANT_ID, 'pro', 3)];
    expect(await s.enqueuer.enqueueMany(jobs)).toBe(true);
    const [bulk] = s.queues.bulks;
    expect(bulk.map((item) => item.options.fairRank)).toEqual([7, 1, 2, 3]);
    expect(bulk.map((item) => item.payload.runningLimit)).toEqual([2, 4, 3, undefined]);
    for (const item of bulk) expect(checkPayloadSignature(s.config.security.payloadSigningSecret, item.payload)).toBe('valid');
    expect(s.queries).toHaveLength(1);
    // Read again only after the recheck interval: a second batch at once asks Postgres nothing.
    await s.enqueuer.enqueueMany([job(BUSY, 'pro', 8)]);
    expect(s.queries).toHaveLength(1);
  });

  it('gives a single job the same (create and reconciler path)', async () => {
    const s = setup();
    const one = job(OVERRIDDEN, 'free', 9);
    expect(await s.enqueuer.enqueue(one, 2)).toBe(true);
    expect(s.queues.bulks[0][0]).toMatchObject({ options: { fairRank: 9 }, payload: { runningLimit: 4, attemptBase: 2 } });
  });

  it('puts no running limit in payloads when limits are off', async () => {
    const s = setup({ LIMITS_ENABLED: 'false' });
    await s.enqueuer.enqueueMany([job(BUSY, 'pro', 1)]);
    expect(s.queues.bulks[0][0].payload.runningLimit).toBeUndefined();
    expect(s.queries).toHaveLength(0);
  });
});
