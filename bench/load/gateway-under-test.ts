import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, freePort, TEST_REDIS_URL, uniqueQueuePrefix, waitFor } from '@validahub/testing';
import { NodeProcess, startNodeProcess } from './node-process';

export interface GatewayUnderTest {
  base: string;
  databaseUrl: string;
  queuePrefix: string;
  env: Record<string, string>;
  gateway: NodeProcess;
  /** Stops what it started (gateway and any `also` processes), drops the database, removes storage. */
  close(): Promise<void>;
  /** Starts another app (a worker) on the same database, Redis prefix and storage. */
  also(entry: string, env?: Record<string, string>, profileDir?: string): NodeProcess;
}

/**
 * A gateway as its own process (apps/gateway/src/main.ts) on a fresh database, queue prefix and
 * storage folder, ready. `profileDir` runs it under `--cpu-prof`.
 */
export async function startGatewayUnderTest(label: string, env: Record<string, string> = {}, profileDir?: string): Promise<GatewayUnderTest> {
  const db = await createTestDatabase(label);
  const storage = await mkdtemp(join(tmpdir(), `vh-${label}-`));
  const port = await freePort();
  const queuePrefix = uniqueQueuePrefix(label);
  const shared = {
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    STORAGE_ROOT: storage,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ENABLE_TEST_TASKS: 'true',
    ...env,
  };
  const gateway = startNodeProcess('apps/gateway/src/main.ts', { ...shared, PORT: String(port) }, { profileDir });
  const others: NodeProcess[] = [];
  const base = `http://127.0.0.1:${port}`;
  const close = async () => {
    await Promise.all([gateway.stop(), ...others.map((p) => p.stop())]);
    await db.drop();
    await rm(storage, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (gateway.child.exitCode !== null) throw new Error(`gateway exited during start-up:\n${gateway.output().slice(-3000)}`);
        return (await fetch(`${base}/health/ready`).catch(() => null))?.ok === true;
      },
      90_000,
      'gateway ready',
    );
  } catch (error) {
    await close();
    throw error;
  }
  return {
    base,
    databaseUrl: db.url,
    queuePrefix,
    env: shared,
    gateway,
    close,
    also: (entry, extra = {}, profileDir) => {
      const started = startNodeProcess(entry, { ...shared, ...extra }, { profileDir });
      others.push(started);
      return started;
    },
  };
}
