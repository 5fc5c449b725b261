#!/usr/bin/env node
// The quick start's API key: a local tenant (plan pro) and one key, created on first start with
// the admin CLI and saved under the data folder; reused while it still authenticates.
// Usage: node tools/scripts/local-api-key.mjs [--gateway http://127.0.0.1:3001] [--file .data/api-key]
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs, promisify } from 'node:util';

const root = new URL('../..', import.meta.url).pathname;
export const LOCAL_TENANT = 'local';

/** The admin CLI as a process; resolves to its one JSON object (and exit code). */
async function admin(args, env) {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'apps/admin/src/main.ts', ...args, '--json'], {
      cwd: root,
      env,
    });
    return { code: 0, json: JSON.parse(stdout) };
  } catch (error) {
    if (typeof error.code === 'number' && error.stdout) return { code: error.code, json: JSON.parse(error.stdout) };
    throw error;
  }
}

async function authenticates(gateway, key) {
  const response = await fetch(`${gateway}/api/v1/jobs?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  await response.arrayBuffer();
  return response.status === 200;
}

/** The saved key when the gateway still accepts it; otherwise a new one (and the local tenant if missing). */
export async function ensureLocalApiKey({ gateway, keyFile, env = process.env }) {
  if (existsSync(keyFile)) {
    const saved = readFileSync(keyFile, 'utf8').trim();
    if (saved && (await authenticates(gateway, saved))) return { key: saved, created: false };
  }
  const shown = await admin(['tenants', 'show', LOCAL_TENANT], env);
  if (shown.code !== 0) {
    const created = await admin(['tenants', 'create', '--name', LOCAL_TENANT, '--plan', 'pro'], env);
    if (created.code !== 0) throw new Error(`could not create the local tenant: ${JSON.stringify(created.json)}`);
  }
  const made = await admin(['keys', 'create', '--tenant', LOCAL_TENANT], env);
  if (made.code !== 0) throw new Error(`could not create an API key: ${JSON.stringify(made.json)}`);
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, `${made.json.key}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return { key: made.json.key, created: true };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      gateway: { type: 'string', default: process.env.GATEWAY_URL ?? 'http://127.0.0.1:3001' },
      file: { type: 'string', default: join(root, '.data', 'api-key') },
    },
  });
  ensureLocalApiKey({ gateway: values.gateway, keyFile: values.file })
    .then(({ created }) => console.log(`${created ? 'created' : 'kept'} the API key in ${values.file}`))
    .catch((error) => {
      console.error(String(error.message ?? error));
      process.exit(1);
    });
}
