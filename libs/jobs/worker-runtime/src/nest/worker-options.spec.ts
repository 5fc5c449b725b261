import type { Cluster } from 'ioredis';
import pino from 'pino';
import { loadConfig } from '@validahub/config';
import { PLANS } from '@validahub/jobs-domain';
import { bullConnectionFor } from '@validahub/jobs-queueing';
import { RetryDelays } from '../processing/retry-delays';
import { resolveWorkerSettings, WorkerRuntimeOptions } from '../runtime/worker-settings';
import { bullRootOptions, workerOptionsFor } from './worker-options';

const logger = pino({ level: 'silent' });
const settingsFrom = (env: Record<string, string>, options: Partial<WorkerRuntimeOptions> = {}) =>
  resolveWorkerSettings({ config: loadConfig(env), plans: ['free'], logger, workerName: 'host:1', ...options });

describe('worker options from config', () => {
  const retryDelays = new RetryDelays(1_000, 60_000);

  it("gives each plan its default concurrency unless WORKER_CONCURRENCY overrides every plan's", () => {
    const defaults = settingsFrom({});
    expect(PLANS.map((plan) => workerOptionsFor(plan, defaults, retryDelays).concurrency)).toEqual([1, 2, 3, 5]);
    const overridden = settingsFrom({ WORKER_CONCURRENCY: '8' });
    expect(PLANS.map((plan) => workerOptionsFor(plan, overridden, retryDelays).concurrency)).toEqual([8, 8, 8, 8]);
  });

  it('carries the lock, stalled-job settings, worker name and the backoff strategy that replays planned delays', () => {
    const settings = settingsFrom({ WORKER_LOCK_DURATION_MS: '9000', WORKER_STALLED_INTERVAL_MS: '4000' });
    const options = workerOptionsFor('pro', settings, retryDelays);
    expect(options).toMatchObject({ name: 'host:1', lockDuration: 9_000, stalledInterval: 4_000, maxStalledCount: 1 });
    expect(options.settings?.backoffStrategy).toBe(retryDelays.strategy);
  });

  it('lets tests shorten the stall settings without touching config', () => {
    const settings = settingsFrom({}, { stall: { lockDurationMs: 2_000, maxStalledCount: 0 } });
    expect(workerOptionsFor('free', settings, retryDelays)).toMatchObject({ lockDuration: 2_000, stalledInterval: 15_000, maxStalledCount: 0 });
  });

  it('shares one connection (waiting out Redis outages) and the queue prefix, and registers workers manually', () => {
    const settings = settingsFrom({ REDIS_URL: 'redis://:secret@redis.internal:6380/2', QUEUE_PREFIX: 'vh-test' });
    const root = bullRootOptions(settings, bullConnectionFor(settings.config.connections, 'worker'));
    expect(root.prefix).toBe('vh-test');
    expect(root.connection).toMatchObject({
      host: 'redis.internal',
      port: 6380,
      db: 2,
      password: 'secret',
      maxRetriesPerRequest: null,
      enableOfflineQueue: true,
    });
    expect(root.extraOptions).toEqual({ manualRegistration: true });
  });

  it('on a cluster: one lazy cluster client that waits out outages, and the hash-tagged prefix', async () => {
    const settings = settingsFrom({ REDIS_CLUSTER_NODES: 'redis://:secret@10.0.0.1:7000,10.0.0.2:7001', QUEUE_PREFIX: 'vh-test' });
    const bull = bullConnectionFor(settings.config.connections, 'worker');
    const root = bullRootOptions(settings, bull);
    expect(root.prefix).toBe('{vh-test}');
    const cluster = root.connection as Cluster;
    expect(cluster.isCluster).toBe(true);
    expect(cluster.status).toBe('wait');
    expect(cluster.options.redisOptions).toMatchObject({ password: 'secret', maxRetriesPerRequest: null });
    expect(cluster.options.enableOfflineQueue).toBe(true);
    await bull.close();
    expect(cluster.status).toBe('end');
  });
});

describe('resolveWorkerSettings', () => {
  it('serves each plan once, in the order given, and refuses to serve none', () => {
    expect(settingsFrom({}, { plans: ['pro', 'free', 'pro'] }).plans).toEqual(['pro', 'free']);
    expect(() => settingsFrom({}, { plans: [] })).toThrow(/no plans to serve/);
  });

  it('takes the shutdown grace from WORKER_SHUTDOWN_GRACE_SECONDS unless a test passes its own', () => {
    expect(settingsFrom({ WORKER_SHUTDOWN_GRACE_SECONDS: '7' }).shutdownGraceMs).toBe(7_000);
    expect(settingsFrom({ WORKER_SHUTDOWN_GRACE_SECONDS: '7' }, { shutdownGraceMs: 300 }).shutdownGraceMs).toBe(300);
  });
});
