#!/usr/bin/env node
// Quick start: brings up the gateway and the four worker tiers on localhost against local
// Postgres and Redis (creating the database if needed; the gateway runs its migrations),
// makes sure there is a local tenant and API key (saved in the data folder), then runs a sample
// CSV job end to end with it. `--once` stops everything after the sample job.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'dotenv';
import pg from 'pg';
import { ensureLocalApiKey } from './local-api-key.mjs';
import { runSampleJob } from './sample-job.mjs';
import { portOpen } from './services.mjs';

const root = new URL('../..', import.meta.url).pathname;
const { values } = parseArgs({
  options: { once: { type: 'boolean', default: false }, port: { type: 'string', default: process.env.PORT ?? '3001' } },
});

// The repository's .env under the real environment (as the apps read it), so its values beat the defaults below.
const envFile = join(root, '.env');
const given = { ...(existsSync(envFile) ? parse(readFileSync(envFile)) : {}), ...process.env };
// On a terminal, every process logs pretty one-liners under its coloured name; piped, JSON lines.
const tty = process.stdout.isTTY === true;
// The data folder holds local storage and the saved API key (VALIDAHUB_DATA_DIR moves it, e.g. for tests).
const dataDir = given.VALIDAHUB_DATA_DIR ?? join(root, '.data');
const keyFile = join(dataDir, 'api-key');
const env = {
  ...given,
  DATABASE_URL: given.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/validahub',
  REDIS_URL: given.REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  STORAGE_ROOT: given.STORAGE_ROOT ?? join(dataDir, 'storage'),
  RESULTS_URI: given.RESULTS_URI ?? 'results/',
  LOG_FORMAT: given.LOG_FORMAT ?? (tty ? 'pretty' : 'auto'),
  // The children write to our pipe, not the terminal: tell their pretty-printer the terminal takes colours.
  ...(tty && !given.NO_COLOR && given.FORCE_COLOR === undefined ? { FORCE_COLOR: '1' } : {}),
  PORT: values.port,
};
const PREFIX_COLOURS = [36, 33, 32, 35, 34];
const gateway = `http://127.0.0.1:${values.port}`;
const children = [];

async function main() {
  const missing = [];
  if (!(await portOpen(5432))) missing.push('PostgreSQL (127.0.0.1:5432)');
  if (!(await portOpen(6379))) missing.push('Redis (127.0.0.1:6379)');
  if (missing.length) throw new Error(`${missing.join(' and ')} not reachable: start them first (see README "Requirements")`);
  if (await portOpen(Number(values.port))) throw new Error(`port ${values.port} is already in use (set PORT or --port)`);

  await ensureDatabase(env.DATABASE_URL);
  mkdirSync(join(env.STORAGE_ROOT, 'samples'), { recursive: true });
  copyFileSync(join(root, 'samples', 'mercado-livre-electronics.csv'), join(env.STORAGE_ROOT, 'samples', 'sample.csv'));

  // The web page at /app: its assets are built (esbuild, about a second) before the gateway serves them.
  const web = spawnSync(process.execPath, ['apps/web/build.mjs'], { cwd: root, stdio: 'inherit' });
  if (web.status !== 0) throw new Error('building the web page failed');
  start('gateway', 'apps/gateway/src/main.ts');
  for (const tier of ['free', 'pro', 'business', 'enterprise']) start(`worker-${tier}`, `apps/worker-${tier}/src/main.ts`);
  await waitReady();
  console.log(`\nValidaHub Jobs is up: web page ${gateway}/app, API ${gateway}/api/v1/jobs, docs ${gateway}/docs, queues ${gateway}/admin/queues\n`);

  const { key, created } = await ensureLocalApiKey({ gateway, keyFile, env });
  console.log(
    `${created ? 'Created an API key for the local tenant (plan pro)' : 'Using the saved API key of the local tenant'}, saved in ${keyFile}:`,
  );
  console.log(`  ${key}`);
  console.log(`  export VALIDAHUB_API_KEY=$(cat ${keyFile})`);
  console.log(`  curl -s -H "Authorization: Bearer $VALIDAHUB_API_KEY" ${gateway}/api/v1/jobs\n`);

  await runSampleJob(gateway, 'samples/sample.csv', key);
  if (values.once) return stopAll(0);
  console.log('\nRunning. Press Ctrl-C to stop.');
}

async function ensureDatabase(url) {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await client.query(`create database "${name.replace(/"/g, '""')}"`);
      console.log(`created database ${name}`);
    }
  } finally {
    await client.end();
  }
}

function start(name, entry) {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const colour = PREFIX_COLOURS[children.length % PREFIX_COLOURS.length];
  const prefix = tty ? `\x1b[${colour}m${name.padEnd(17)}\x1b[0m| ` : `[${name}] `;
  const relay = (stream, out) => {
    let buffer = '';
    stream.on('data', (chunk) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) out.write(prefix + line + '\n');
    });
  };
  relay(child.stdout, process.stdout);
  relay(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`${prefix}exited (${signal ?? code}); stopping everything`);
      stopAll(1);
    }
  });
  children.push(child);
}

async function waitReady() {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    try {
      const res = await fetch(`${gateway}/health/ready`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error('gateway did not become ready within 90 s');
}

let stopping = false;
async function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once('exit', r)))));
  process.exit(code);
}

process.on('SIGINT', () => stopAll(0));
process.on('SIGTERM', () => stopAll(0));
main().catch((error) => {
  console.error(`start failed: ${error.message ?? error}`);
  stopAll(1);
});
