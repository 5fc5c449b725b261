#!/usr/bin/env node
// Starts s3rver in the background (detached) unless something already listens on its port.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { portOpen, S3RVER_PORT } from './services.mjs';

const root = new URL('../..', import.meta.url).pathname;
if (await portOpen(S3RVER_PORT)) {
  console.log(`s3rver: port ${S3RVER_PORT} already serving`);
  process.exit(0);
}
const dir = join(root, 'tmp', 's3rver');
mkdirSync(dir, { recursive: true });
const log = openSync(join(root, 'tmp', 's3rver.log'), 'a');
const child = spawn(
  process.execPath,
  [join(root, 'node_modules', 's3rver', 'bin', 's3rver.js'), '-a', '127.0.0.1', '-p', String(S3RVER_PORT), '-d', dir],
  { stdio: ['ignore', log, log], detached: true },
);
child.unref();
for (let i = 0; i < 100; i++) {
  if (await portOpen(S3RVER_PORT)) {
    // Whoever started it can stop it (`.ci/run` does on exit): a server left behind would serve a deleted clone's folder to the next run.
    writeFileSync(join(root, 'tmp', 's3rver.pid'), `${child.pid}\n`);
    console.log(`s3rver: started on 127.0.0.1:${S3RVER_PORT} (pid ${child.pid})`);
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 100));
}
console.error('s3rver: did not start');
process.exit(1);
