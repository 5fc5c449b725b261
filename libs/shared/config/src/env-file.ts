import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'dotenv';
import { Env } from './env-reader';

/**
 * The environment a process runs with: its real environment over the variables of an `.env`
 * file (default `./.env`; absent is fine). The real environment always wins, so a deployment's
 * settings are never overridden by a file left on disk. `process.env` itself is not changed.
 */
export function readEnvironment(options: { envFile?: string; env?: Env } = {}): Env {
  const file = resolve(options.envFile ?? '.env');
  const fromFile = existsSync(file) ? parse(readFileSync(file)) : {};
  return { ...fromFile, ...(options.env ?? process.env) };
}
