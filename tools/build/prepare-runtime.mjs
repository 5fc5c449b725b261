#!/usr/bin/env node
// Builds every app and lays out what the production image holds, in dist/runtime/:
//   package.json       generated: the union of the packages the bundles require (exact versions),
//                      the root's overrides, no devDependencies
//   package-lock.json  the root lockfile pruned to that set (so `npm ci --omit=dev` reproduces it)
//   dist/apps/<app>/   the bundles (main.js, the gateway's migrate.js, the workers' sandbox-thread.js)
//   dist/web/          the web page's assets (the gateway serves them at /app)
// `--install` then runs `npm ci --omit=dev` there (tools/build/runtime-check.mjs does).
// The layout keeps dist/apps/<app> three levels below package.json, as in the repository.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APPS, root } from './apps.mjs';
import { buildApp } from './build-app.mjs';

export const runtimeDir = join(root, 'dist', 'runtime');

const npm = (args, cwd) => execFileSync('npm', args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

export async function prepareRuntime({ install = false, skipBuild = false } = {}) {
  const dependencies = {};
  for (const app of Object.keys(APPS)) {
    const built = skipBuild ? JSON.parse(readFileSync(join(root, 'dist', 'apps', app, 'package.json'), 'utf8')) : await buildApp(app);
    Object.assign(dependencies, built.dependencies);
  }
  if (!existsSync(join(root, 'dist', 'web', 'index.html'))) execFileSync(process.execPath, ['apps/web/build.mjs'], { cwd: root, stdio: 'inherit' });

  const rootPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  rmSync(runtimeDir, { recursive: true, force: true });
  mkdirSync(join(runtimeDir, 'dist'), { recursive: true });
  const sorted = Object.fromEntries(Object.entries(dependencies).sort(([a], [b]) => a.localeCompare(b)));
  const pkg = {
    name: rootPackage.name,
    version: rootPackage.version,
    private: true,
    license: rootPackage.license,
    engines: rootPackage.engines,
    dependencies: sorted,
    overrides: rootPackage.overrides,
  };
  writeFileSync(join(runtimeDir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  cpSync(join(root, 'package-lock.json'), join(runtimeDir, 'package-lock.json'));
  // Prunes the copied lockfile to the production set, keeping every version it already pins.
  npm(['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], runtimeDir);
  for (const app of Object.keys(APPS)) cpSync(join(root, 'dist', 'apps', app), join(runtimeDir, 'dist', 'apps', app), { recursive: true });
  cpSync(join(root, 'dist', 'web'), join(runtimeDir, 'dist', 'web'), { recursive: true });
  if (install) npm(['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], runtimeDir);
  process.stdout.write(`runtime folder ready: dist/runtime (${Object.keys(sorted).length} direct production dependencies)\n`);
  return runtimeDir;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await prepareRuntime({ install: process.argv.includes('--install'), skipBuild: process.argv.includes('--skip-build') });
}
