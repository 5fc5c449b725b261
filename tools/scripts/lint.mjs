#!/usr/bin/env node
// ESLint's module-boundary rule reads Nx's cached project graph and silently skips itself
// when there is none, so compute the graph first and refuse a run where the rule was skipped.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
const graph = spawnSync('node', ['node_modules/nx/dist/bin/nx.js', 'show', 'projects'], { env, encoding: 'utf8' });
if (graph.status !== 0) {
  process.stderr.write(graph.stderr);
  process.exit(graph.status ?? 1);
}
// Formatting is part of lint: one style, so diffs show only what changed.
const format = spawnSync('node', ['node_modules/prettier/bin/prettier.cjs', '--check', '--log-level', 'warn', '.'], { env, encoding: 'utf8' });
if (format.status !== 0) {
  process.stderr.write(format.stdout + format.stderr);
  console.error('lint: files above are not formatted; run `npm run format`');
  process.exit(1);
}
const lint = spawnSync('node', ['node_modules/eslint/bin/eslint.js', ...(process.argv.slice(2).length ? process.argv.slice(2) : ['.'])], {
  env,
  encoding: 'utf8',
});
process.stdout.write(lint.stdout);
process.stderr.write(lint.stderr);
if (/No cached ProjectGraph/.test(lint.stdout + lint.stderr)) {
  console.error('lint: module-boundary rule was skipped (no project graph)');
  process.exit(1);
}
process.exit(lint.status ?? 1);
