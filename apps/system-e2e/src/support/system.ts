import { mkdtempSync, rmSync } from 'node:fs';
import IORedis from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppProcess, createTestDatabase, freePort, startApp, TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { ApiClient } from './api-client';

export type Env = Record<string, string>;

export interface SystemOptions {
  label: string;
  /** A database URL of the caller's (a private cluster); default: a fresh database on the shared server. */
  databaseUrl?: string;
  /** Default: the shared Redis (never FLUSHALLed: pass a private one for that). */
  redisUrl?: string;
  /** A Redis Cluster's seed nodes (REDIS_CLUSTER_NODES) instead of any single Redis. */
  redisClusterNodes?: string;
  /** Extra environment for every process (gateway and workers). */
  env?: Env;
}

/**
 * The environment every process of a system shares: its own database, queue prefix and storage
 * root, test tasks on, AUTH_MODE=open, and the slow production timings (backoff, reconcile interval, stalled-job
 * detection) scaled down so faults resolve within seconds.
 */
/** The operator token these suites' gateways accept on /metrics. */
export const SYSTEM_METRICS_TOKEN = 'system-e2e-metrics-token';

function baseEnv(databaseUrl: string, redisUrl: string, prefix: string, storageRoot: string): Env {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    STORAGE_ROOT: storageRoot,
    ENABLE_TEST_TASKS: 'true',
    RETRY_BACKOFF_BASE_MS: '300',
    RETRY_BACKOFF_CAP_MS: '5000',
    RECONCILE_INTERVAL_MS: '1000',
    WORKER_LOCK_DURATION_MS: '4000',
    WORKER_STALLED_INTERVAL_MS: '1000',
    WORKER_SHUTDOWN_GRACE_SECONDS: '2',
    PROGRESS_THROTTLE_MS: '200',
    LOG_LEVEL: 'info',
    HOST: '127.0.0.1',
    // These suites inject faults; API keys are covered by the gateway's auth suites and the quick start.
    AUTH_MODE: 'open',
    METRICS_TOKEN: SYSTEM_METRICS_TOKEN,
  };
}

/** A gateway and worker processes started from their real main.ts, sharing one environment. */
export class TestSystem {
  readonly processes: AppProcess[] = [];
  api!: ApiClient;
  gateway?: AppProcess;
  private dropDatabase?: () => Promise<void>;
  private env!: Env;
  private storageRoot!: string;
  private workerCount = 0;

  static async create(options: SystemOptions): Promise<TestSystem> {
    const system = new TestSystem();
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      const database = await createTestDatabase(`e2e_${options.label}`);
      system.dropDatabase = database.drop;
      databaseUrl = database.url;
    }
    system.storageRoot = mkdtempSync(join(tmpdir(), `vh-${options.label}-`));
    system.env = {
      ...baseEnv(databaseUrl, options.redisUrl ?? TEST_REDIS_URL, uniqueQueuePrefix(options.label), system.storageRoot),
      ...options.env,
    };
    if (options.redisClusterNodes) {
      // The configuration refuses REDIS_URL next to REDIS_CLUSTER_NODES.
      delete system.env.REDIS_URL;
      system.env.REDIS_CLUSTER_NODES = options.redisClusterNodes;
    }
    return system;
  }

  /** The environment every process of this system starts with (a start may add to it). */
  get environment(): Env {
    return { ...this.env };
  }

  get prefix(): string {
    return this.env.QUEUE_PREFIX;
  }

  /** The single Redis of this system; undefined on a cluster. */
  get redisUrl(): string {
    return this.env.REDIS_URL;
  }

  get storage(): string {
    return this.storageRoot;
  }

  /** Starts the gateway (on a new free port each time) and waits until it serves HTTP. */
  async startGateway(env: Env = {}, waitReady = true): Promise<AppProcess> {
    const port = await freePort();
    const gateway = startApp('gateway', 'apps/gateway/src/main.ts', { ...this.env, PORT: String(port), ...env });
    this.processes.push(gateway);
    this.gateway = gateway;
    this.api = new ApiClient(`http://127.0.0.1:${port}`);
    if (waitReady) {
      await waitFor(
        async () => {
          if (gateway.child.exitCode !== null) throw new Error(`gateway exited during start-up:\n${gateway.output().slice(-3000)}`);
          return (await this.api.request('GET', '/health/live', undefined, 1_000).catch(() => null))?.status === 200;
        },
        60_000,
        'gateway live',
      );
    }
    return gateway;
  }

  /** Starts a worker app serving `plans` and waits for its "worker ready" line. */
  async startWorker(plans: string[], env: Env = {}): Promise<AppProcess> {
    this.workerCount += 1;
    const worker = startApp(`worker-${this.workerCount}`, 'apps/worker-free/src/main.ts', { ...this.env, WORKER_PLANS: plans.join(','), ...env });
    this.processes.push(worker);
    await waitFor(
      () => {
        if (worker.child.exitCode !== null) throw new Error(`worker exited during start-up:\n${worker.output().slice(-3000)}`);
        return worker.output().includes('"worker ready"');
      },
      60_000,
      `worker ${plans.join(',')} ready`,
    );
    return worker;
  }

  /** Everything the processes printed (for failure messages). */
  logs(tail = 4000): string {
    return this.processes.map((p) => `--- ${p.name} (pid ${p.child.pid})\n${p.output().slice(-tail)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.all(this.processes.map((p) => p.kill('SIGKILL')));
    await this.dropDatabase?.().catch(() => undefined);
    // A cluster is the test's own and goes away with it.
    if (this.redisUrl) await deleteKeys(this.redisUrl, `${this.prefix}:*`).catch(() => undefined);
    rmSync(this.storageRoot, { recursive: true, force: true });
  }
}

/** Removes this system's queues and event stream from a (possibly shared) Redis. */
async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new IORedis(redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Polls a job until `predicate` holds (e.g. it is running). */
export async function waitForJob(api: ApiClient, id: string, predicate: (status: string) => boolean, timeoutMs = 30_000): Promise<void> {
  await waitFor(async () => predicate((await api.job(id).catch(() => null))?.status ?? ''), timeoutMs, `job ${id} state`);
}
