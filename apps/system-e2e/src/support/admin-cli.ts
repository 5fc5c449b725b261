import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { WORKSPACE_ROOT } from '@validahub/testing';
import type { Env } from './system';

/** The admin CLI (`npm run admin`) as a real process on a system's environment; its one JSON answer. */
export async function runAdminCli(env: Env, ...args: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', 'apps/admin/src/main.ts', ...args, '--json'], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, ...env },
  });
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** A tenant on `plan` and an API key of it (every scope but admin), made with the admin CLI. */
export async function tenantWithKey(env: Env, name: string, plan: string): Promise<{ tenantId: string; keyId: string; key: string }> {
  const tenant = await runAdminCli(env, 'tenants', 'create', '--name', name, '--plan', plan);
  const made = await runAdminCli(env, 'keys', 'create', '--tenant', name);
  return { tenantId: String(tenant.id), keyId: String(made.id), key: String(made.key) };
}
