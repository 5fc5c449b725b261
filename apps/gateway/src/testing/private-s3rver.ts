// Test-only: an s3rver of our own on a free port, so a test can stop and restart it without
// touching the shared one on 4568.
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, portOpen, waitFor, WORKSPACE_ROOT } from '@validahub/testing';

export interface PrivateS3rver {
  endpoint: string;
  stop(): Promise<void>;
  /** Starts it again on the same port and folder (objects survive). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPrivateS3rver(): Promise<PrivateS3rver> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'vh-s3rver-'));
  let child: ChildProcess | undefined;

  async function start(): Promise<void> {
    const bin = join(WORKSPACE_ROOT, 'node_modules', 's3rver', 'bin', 's3rver.js');
    child = spawn(process.execPath, [bin, '-a', '127.0.0.1', '-p', String(port), '-d', dir, '--silent'], { stdio: 'ignore' });
    await waitFor(() => portOpen(port), 10_000, `private s3rver on ${port}`);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  }

  await start();
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop,
    restart: start,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
