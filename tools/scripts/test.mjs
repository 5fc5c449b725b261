#!/usr/bin/env node
// The README's test command. Unit and integration tests run in parallel; e2e suites start
// real processes and inject faults, so they run one file at a time after the others.
// Prints "tests: N passed, M failed" from jest's own --json results and fails when no test ran.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureServices } from './services.mjs';

const root = new URL('../..', import.meta.url).pathname;
const outDir = join(root, 'tmp', 'test-results');
mkdirSync(outDir, { recursive: true });
const extra = process.argv.slice(2);

await ensureServices();

const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
const runs = [
  { name: 'fast', args: ['--selectProjects', 'unit', 'integration', '--maxWorkers=2'] },
  { name: 'e2e', args: ['--selectProjects', 'e2e', '--runInBand'] },
];

let passed = 0;
let failed = 0;
let failedSuites = 0;
for (const run of runs) {
  const out = join(outDir, `${run.name}.json`);
  if (existsSync(out)) rmSync(out);
  const res = spawnSync(process.execPath, [jestBin, '--ci', '--passWithNoTests', '--json', `--outputFile=${out}`, ...run.args, ...extra], {
    stdio: 'inherit',
    cwd: root,
    env: process.env,
  });
  if (!existsSync(out)) {
    console.error(`jest (${run.name}) wrote no results (exit ${res.status})`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(out, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  failedSuites += r.numFailedTestSuites + (r.numRuntimeErrorTestSuites ?? 0);
}
const summary = { passed, failed, failedSuites };
writeFileSync(join(outDir, 'summary.json'), JSON.stringify(summary));
const ok = failed === 0 && failedSuites === 0 && passed > 0;
if (passed === 0) console.error('no test ran');
if (failedSuites > 0) console.error(`${failedSuites} test suite(s) failed to run`);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(ok ? 0 : 1);
