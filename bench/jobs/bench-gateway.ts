import { AppProcess, freePort, startApp, TEST_REDIS_URL, waitFor } from '@validahub/testing';

/** The environment of a benchmark's gateway: its own database, queue prefix and storage; no workers, nothing to reconcile. */
export function benchGatewayEnv(databaseUrl: string, queuePrefix: string, storageRoot: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    STORAGE_ROOT: storageRoot,
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    // No workers: every job stays queued, so there is nothing to reconcile.
    RECONCILE_INTERVAL_MS: '0',
  };
}

/** A gateway as its own process (apps/gateway's main.ts) on a free port, once it is ready. */
export async function startBenchGateway(name: string, env: Record<string, string>): Promise<{ process: AppProcess; base: string }> {
  const port = await freePort();
  const gateway = startApp(name, 'apps/gateway/src/main.ts', { ...env, PORT: String(port) });
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (gateway.child.exitCode !== null) throw new Error(`${name} exited during start-up:\n${gateway.output().slice(-3000)}`);
      return (await fetch(`${base}/health/ready`).catch(() => null))?.ok === true;
    },
    60_000,
    `${name} ready`,
  );
  return { process: gateway, base };
}
