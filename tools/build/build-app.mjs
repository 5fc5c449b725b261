#!/usr/bin/env node
// Compiles apps to plain JavaScript: `node tools/build/build-app.mjs gateway worker-free ...`
// (or `--all`). Each app becomes one CommonJS bundle per entry point under dist/apps/<app>/,
// with npm packages left as `require`s (they come from a production `npm ci`), and a generated
// package.json naming the packages that app needs. `nx run <app>:build` calls this.
//
// TypeScript goes through @swc/core first, because Nest's dependency injection reads the
// `design:paramtypes` metadata that esbuild alone does not emit; esbuild then bundles the result.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { transformSync } from '@swc/core';
import { APPS, packageName, productionVersions, root } from './apps.mjs';

const swcOptions = {
  swcrc: false,
  sourceMaps: 'inline',
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
    keepClassNames: true,
  },
  // CommonJS, as tsc emits here: decorator metadata keeps references to type-only imports, which
  // ES-module bundling would reject as missing exports (CommonJS reads them as undefined).
  module: { type: 'commonjs' },
};

/** Compiles .ts with swc (decorator metadata) and records every npm package the bundle requires. */
function swcAndExternals(externals) {
  const builtins = new Set(builtinModules);
  return {
    name: 'swc-and-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('@validahub/')) return undefined; // tsconfig paths: bundled
        const name = packageName(args.path);
        if (args.path.startsWith('node:') || builtins.has(name)) return { path: args.path, external: true };
        externals.add(name);
        return { path: args.path, external: true };
      });
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        const { code } = transformSync(source, { ...swcOptions, filename: args.path });
        return { contents: code, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

export async function buildApp(app) {
  const spec = APPS[app];
  if (!spec) throw new Error(`unknown app "${app}"; known: ${Object.keys(APPS).join(', ')}`);
  const outdir = join(root, 'dist', 'apps', app);
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const externals = new Set();
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(spec.entries).map(([name, file]) => [name, join(root, file)])),
    outdir,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    tsconfig: join(root, 'tsconfig.base.json'),
    sourcemap: 'linked',
    keepNames: true,
    logLevel: 'warning',
    metafile: true,
    plugins: [swcAndExternals(externals)],
  });
  // Packages loaded by name at run time (pino transports, Nest's optional loads) are not imports.
  for (const name of spec.loadedByName ?? []) externals.add(name);
  const versions = productionVersions();
  const devOnly = [...externals].filter((name) => !versions[name] && !(spec.devOnlyLazy ?? []).includes(name));
  if (devOnly.length) throw new Error(`${app} requires packages that are not production dependencies: ${devOnly.join(', ')}`);
  const dependencies = Object.fromEntries(
    [...externals]
      .filter((name) => versions[name])
      .sort()
      .map((name) => [name, versions[name]]),
  );
  writeFileSync(
    join(outdir, 'package.json'),
    `${JSON.stringify({ name: `@validahub/${app}`, private: true, main: 'main.js', dependencies }, null, 2)}\n`,
  );
  const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
  process.stdout.write(
    `built ${relative(root, outdir)} (${Object.keys(spec.entries).join(', ')}; ${(bytes / 1024).toFixed(0)} KiB, ${Object.keys(dependencies).length} packages)\n`,
  );
  return { app, dependencies };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const apps = args.includes('--all') ? Object.keys(APPS) : args;
  if (!apps.length) {
    process.stderr.write('usage: build-app.mjs <app...> | --all\n');
    process.exit(2);
  }
  for (const app of apps) await buildApp(app);
}
