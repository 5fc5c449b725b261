// Makes sure the servers the integration tests talk to are reachable.
// Postgres and Redis are machine services (we only check them); the S3-compatible server
// (s3rver, an npm devDependency) is started here when nothing listens on its port.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;

export function portOpen(port, host = '127.0.0.1', timeoutMs = 500) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitForPort(port, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await portOpen(port)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

export const S3RVER_PORT = Number(process.env.TEST_S3_PORT ?? 4568);

export async function startS3rver() {
  if (await portOpen(S3RVER_PORT)) return null;
  const dir = join(root, 'tmp', 's3rver');
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    process.execPath,
    [join(root, 'node_modules', 's3rver', 'bin', 's3rver.js'), '-a', '127.0.0.1', '-p', String(S3RVER_PORT), '-d', dir, '-s'],
    { stdio: 'ignore', detached: false },
  );
  if (!(await waitForPort(S3RVER_PORT, 10_000))) throw new Error(`s3rver did not start on port ${S3RVER_PORT}`);
  return child;
}

export async function ensureServices() {
  const missing = [];
  if (!(await portOpen(5432))) missing.push('PostgreSQL on 127.0.0.1:5432');
  if (!(await portOpen(6379))) missing.push('Redis on 127.0.0.1:6379');
  if (missing.length) {
    console.error(`Not reachable: ${missing.join(', ')}. Start them first (see README "Requirements").`);
    process.exit(2);
  }
  const s3 = await startS3rver();
  if (s3) process.on('exit', () => s3.kill());
}
