import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './ports';
import { AppProcess, startApp } from './processes';
import { createTestDatabase } from './test-database';
import { TEST_REDIS_URL, uniqueQueuePrefix } from './unique';

export interface TestPlatform {
  /** The gateway, e.g. `http://127.0.0.1:41234`. */
  url: string;
  storageRoot: string;
  processes: AppProcess[];
  stop(): Promise<void>;
}

/**
 * A gateway and one worker (serving `plans`) as real processes on their own database, queue
 * prefix and storage root, ready when this resolves: what a client-side test (CLI, web page)
 * drives. Stop it in afterAll.
 */
export async function startTestPlatform(label: string, plans = ['free', 'pro'], env: Record<string, string> = {}): Promise<TestPlatform> {
  const db = await createTestDatabase(`e2e_${label}`);
  const storageRoot = await mkdtemp(join(tmpdir(), `vh-${label}-`));
  const port = await freePort();
  // AUTH_MODE=open: these tests are about the clients, not keys (a gateway without API keys ignores it).
  const shared = {
    AUTH_MODE: 'open',
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueQueuePrefix(label),
    STORAGE_ROOT: storageRoot,
    HOST: '127.0.0.1',
    ...env,
  };
  const gateway = startApp('gateway', 'apps/gateway/src/main.ts', { ...shared, PORT: String(port) });
  const worker = startApp('worker', 'apps/worker-free/src/main.ts', { ...shared, WORKER_PLANS: plans.join(',') });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await Promise.all([gateway, worker].map((p) => p.kill('SIGKILL')));
    await db.drop().catch(() => undefined);
    await rm(storageRoot, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => (await fetch(`${url}/health/ready`).catch(() => null))?.ok === true,
      60_000,
      `gateway ready:\n${gateway.output().slice(-2000)}`,
    );
    await waitFor(() => worker.output().includes('"worker ready"'), 60_000, 'worker ready');
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, storageRoot, processes: [gateway, worker], stop };
}
