#!/usr/bin/env node
// Builds the web page served at /app into dist/web: app.js (one esbuild bundle, browser ES2020),
// app.css and index.html. Run by npm start, CI and the browser tests; the gateway serves the result.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const source = join(root, 'apps', 'web', 'src');
const out = join(root, 'dist', 'web');

// The marketplaces and categories the rule engine knows, taken from the engine itself.
const listed = spawnSync(
  process.execPath,
  ['-r', '@swc-node/register', '-e', "process.stdout.write(JSON.stringify(require('./libs/csv-rules/src/index.ts').listMarketplaces()))"],
  { cwd: root, encoding: 'utf8' },
);
if (listed.status !== 0) throw new Error(`listing marketplaces failed: ${listed.stderr}`);
const marketplaces = JSON.parse(listed.stdout).map(({ marketplace, rulesets }) => ({
  marketplace,
  rulesets: rulesets.map(({ name, categories }) => ({ name, categories })),
}));

mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(source, 'main.ts')],
  outfile: join(out, 'app.js'),
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  tsconfig: join(root, 'apps', 'web', 'tsconfig.json'),
  define: { __MARKETPLACES__: JSON.stringify(marketplaces) },
  logLevel: 'warning',
});
copyFileSync(join(source, 'index.html'), join(out, 'index.html'));
copyFileSync(join(source, 'app.css'), join(out, 'app.css'));
console.log(`web: built ${out}`);
