import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, portOpen, waitFor } from './ports';
import { killServer } from './private-servers';

const run = promisify(execFile);

/** A throwaway Redis Cluster of a test's own: masters only, on loopback, nothing saved to disk. */
export interface PrivateRedisCluster {
  /** The masters' client ports. */
  ports: number[];
  /** The REDIS_CLUSTER_NODES value that reaches it (every master as a seed). */
  nodes: string;
  /** Kills every node and removes its folder. */
  stop(): Promise<void>;
}

/**
 * Starts `masters` redis-server processes in cluster mode (each with its own client and bus
 * port, config file and folder), joins them with `redis-cli --cluster create` (the slots
 * split evenly, no replicas) and waits until every node reports `cluster_state:ok`.
 */
export async function startPrivateRedisCluster(masters = 3): Promise<PrivateRedisCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'vh-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  const stop = async () => {
    await Promise.all(children.map(killServer));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const taken = new Set<number>();
    // Two calls can hand out the same free port: ask again until every port is a new one.
    const newPort = async (): Promise<number> => {
      const port = await freePort();
      if (taken.has(port)) return newPort();
      taken.add(port);
      return port;
    };
    for (let i = 0; i < masters; i += 1) {
      const [port, busPort] = [await newPort(), await newPort()];
      ports.push(port);
      children.push(
        // prettier-ignore
        spawn('redis-server', [
          '--port', String(port), '--cluster-port', String(busPort), '--bind', '127.0.0.1',
          '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir,
          '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
        ], { stdio: 'ignore' }),
      );
    }
    await Promise.all(ports.map((port) => waitFor(() => portOpen(port), 10_000, `redis cluster node on ${port}`)));
    await run('redis-cli', ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await waitFor(async () => (await Promise.all(ports.map(clusterStateOk))).every(Boolean), 20_000, 'cluster_state:ok on every node');
  } catch (error) {
    await stop();
    throw error;
  }
  return { ports, nodes: ports.map((port) => `127.0.0.1:${port}`).join(','), stop };
}

async function clusterStateOk(port: number): Promise<boolean> {
  const { stdout } = await run('redis-cli', ['-p', String(port), 'cluster', 'info']);
  return /^cluster_state:ok\r?$/m.test(stdout);
}
