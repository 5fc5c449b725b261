// The apps the build compiles, their entry points, and the production dependency versions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

// Nest loads these by name (ValidationPipe, swagger's UI assets); pino loads its transport by name.
const NEST_LOADED = ['class-validator', 'class-transformer', '@fastify/static', 'reflect-metadata', 'pino-pretty'];
// compiled-sources.ts requires @swc/core only when running from TypeScript sources, never from a build.
const SWC_LAZY = ['@swc/core'];

const worker = (plan) => ({
  entries: {
    main: `apps/worker-${plan}/src/main.ts`,
    // Piscina loads the sandbox thread as a file of its own, beside main.js (see compiled-sources.ts).
    'sandbox-thread': 'libs/jobs/worker-runtime/src/sandbox/sandbox-thread.ts',
  },
  loadedByName: NEST_LOADED,
  devOnlyLazy: SWC_LAZY,
});

export const APPS = {
  gateway: {
    entries: { main: 'apps/gateway/src/main.ts', migrate: 'apps/gateway/src/migrate.ts' },
    loadedByName: [...NEST_LOADED, 'pg'],
    devOnlyLazy: SWC_LAZY,
  },
  'worker-free': worker('free'),
  'worker-pro': worker('pro'),
  'worker-business': worker('business'),
  'worker-enterprise': worker('enterprise'),
  cli: { entries: { main: 'apps/cli/src/main.ts' }, loadedByName: ['pino-pretty'], devOnlyLazy: SWC_LAZY },
  admin: { entries: { main: 'apps/admin/src/main.ts' }, loadedByName: [...NEST_LOADED, 'pg'], devOnlyLazy: SWC_LAZY },
};

/** `@scope/name/sub` -> `@scope/name`, `name/sub` -> `name`. */
export function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Exact installed versions (from package-lock.json) of the root package.json's production dependencies. */
export function productionVersions() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
  return Object.fromEntries(Object.keys(pkg.dependencies).map((name) => [name, lock.packages[`node_modules/${name}`].version]));
}
