import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import IORedis from 'ioredis';
import { AppConfig, loadConfig } from '@validahub/config';
import { createRedis, JobEventPublisher, JobQueues, jobEventsDeadLetterKey, jobEventsStreamKey, redisOptions } from '@validahub/jobs-queueing';
import { createTestDatabase, TEST_REDIS_URL, TestDatabase, uniqueQueuePrefix } from '@validahub/testing';
import { createGatewayApp, CreateGatewayAppOptions } from '../create-gateway-app';

/** What /metrics accepts in the harness (METRICS_TOKEN). */
export const TEST_METRICS_TOKEN = 'metrics-token-of-the-test-harness';

/** Test-only: a gateway on its own database and queue prefix, plus the handles tests need. */
export interface GatewayHarness {
  db: TestDatabase;
  prefix: string;
  /** Local storage root of this harness (a fresh temp folder). */
  storageRoot: string;
  config: AppConfig;
  redis: IORedis;
  queues: JobQueues;
  publisher: JobEventPublisher;
  start(options?: CreateGatewayAppOptions, env?: Record<string, string>): Promise<NestFastifyApplication>;
  /** Closes one app (as a deploy or crash-free restart would). */
  stop(app: NestFastifyApplication): Promise<void>;
  close(): Promise<void>;
}

export async function createGatewayHarness(label: string, env: Record<string, string> = {}): Promise<GatewayHarness> {
  const db = await createTestDatabase(label);
  const prefix = uniqueQueuePrefix(label);
  const storageRoot = await mkdtemp(join(tmpdir(), `vh-${label}-`));
  const configFor = (extra: Record<string, string> = {}) =>
    loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: prefix,
      STORAGE_ROOT: storageRoot,
      LOG_LEVEL: 'silent',
      // Most suites are about something else than API keys; the auth suites pass AUTH_MODE=required.
      AUTH_MODE: 'open',
      METRICS_TOKEN: TEST_METRICS_TOKEN,
      ...env,
      ...extra,
    });
  const config = configFor();
  const redis = createRedis(TEST_REDIS_URL, 'producer');
  const queues = new JobQueues(redisOptions(TEST_REDIS_URL, 'producer'), prefix);
  const apps = new Set<NestFastifyApplication>();
  return {
    db,
    prefix,
    storageRoot,
    config,
    redis,
    queues,
    publisher: new JobEventPublisher(redis, prefix),
    async start(options = {}, extraEnv = {}) {
      const app = await createGatewayApp(configFor(extraEnv), { reconcileIntervalMs: 0, processMetrics: false, docs: false, ...options });
      apps.add(app);
      return app;
    },
    async stop(app) {
      apps.delete(app);
      await app.close();
    },
    async close() {
      await Promise.allSettled([...apps].map((app) => app.close()));
      for (const queue of queues.all()) await queue.obliterate({ force: true }).catch(() => undefined);
      await queues.close();
      await redis.del(jobEventsStreamKey(prefix), jobEventsDeadLetterKey(prefix));
      await redis.quit();
      await db.drop();
      await rm(storageRoot, { recursive: true, force: true });
    },
  };
}

export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** The Prometheus text of an app, scraped with the harness's METRICS_TOKEN. */
export async function scrapeMetrics(app: NestFastifyApplication): Promise<string> {
  const response = await app.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
  if (response.statusCode !== 200) throw new Error(`GET /metrics answered ${response.statusCode}: ${response.body}`);
  return response.body;
}
