import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateFeed } from '../csv-rules/generate-feed';
import { concurrentJobs } from './concurrent-worker';
import type { SandboxBenchMode } from './run-mode';

/**
 * The cost of the task sandbox: the CSV tasks on the 1M-row benchmark file, run in the worker's
 * own thread and through a sandbox thread, each run in a fresh process, interleaved, best of N,
 * in the same run. Target: the sandbox keeps at least 95% of the in-process rows/s (judged on
 * CPU time, as the CSV engine bench is: on a shared machine the wall clock also measures the
 * neighbours; both are printed). Then a real enterprise worker (concurrency 5) runs 5 of the
 * 1M-row correct_csv_jobs at once, and its peak RSS is reported.
 *
 *   npx nx run bench:sandbox   (or: node -r @swc-node/register bench/sandbox/bench.ts)
 *   options: --rows 1000000 --runs 3 (0 skips the comparison) --concurrent 5 (0 skips it) --task-memory-mb N (the worker's TASK_MEMORY_MB)
 */
const TASKS = ['validate_csv_job', 'correct_csv_job'] as const;
const MODES: readonly SandboxBenchMode[] = ['in-process', 'sandbox'];
const MIN_RATIO = 0.95;

interface RunResult {
  mode: SandboxBenchMode;
  task: string;
  rows: number;
  ms: number;
  cpuMs: number;
  /** Of the whole process (the TypeScript loader of the runner included, so compare the two modes only). */
  maxRssMb: number;
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? fallback : Number(process.argv[at + 1]);
}

function runMode(mode: SandboxBenchMode, task: string, file: string): RunResult {
  const child = spawnSync(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'run-mode.ts'), mode, task, file], {
    cwd: join(__dirname, '..', '..'),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`${mode} ${task} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as RunResult;
}

function measure(file: string, runs: number): Map<string, RunResult> {
  const best = new Map<string, RunResult>();
  for (let run = 0; run < runs; run++) {
    for (const task of TASKS) {
      for (const mode of MODES) {
        const result = runMode(mode, task, file);
        const key = `${task}/${mode}`;
        const previous = best.get(key) ?? result;
        best.set(key, {
          ...result,
          ms: Math.min(previous.ms, result.ms),
          cpuMs: Math.min(previous.cpuMs, result.cpuMs),
          maxRssMb: Math.max(previous.maxRssMb, result.maxRssMb),
        });
      }
    }
  }
  return best;
}

function report(best: Map<string, RunResult>): boolean {
  const count = (value: number) => Math.round(value).toLocaleString('en-US');
  console.log('task              mode         rows/s(wall)  ratio  rows/cpu-s  ratio  peak RSS  verdict');
  let met = true;
  for (const task of TASKS) {
    const base = best.get(`${task}/in-process`)!;
    for (const mode of MODES) {
      const result = best.get(`${task}/${mode}`)!;
      const wall = result.rows / (result.ms / 1000);
      const cpu = result.rows / (result.cpuMs / 1000);
      const cpuRatio = cpu / (base.rows / (base.cpuMs / 1000));
      const ok = mode === 'in-process' || cpuRatio >= MIN_RATIO;
      met &&= ok;
      console.log(
        [
          task.padEnd(17),
          mode.padEnd(11),
          count(wall).padStart(13),
          `${(wall / (base.rows / (base.ms / 1000))).toFixed(3)}x`.padStart(7),
          count(cpu).padStart(11),
          `${cpuRatio.toFixed(3)}x`.padStart(7),
          `${result.maxRssMb.toFixed(0)} MB`.padStart(9),
          mode === 'in-process' ? ' baseline' : ok ? ' ok' : ' MISSED',
        ].join(' '),
      );
    }
  }
  return met;
}

async function main(): Promise<void> {
  const rows = option('rows', 1_000_000);
  const runs = option('runs', 3);
  const concurrent = option('concurrent', 5);
  const dir = mkdtempSync(join(tmpdir(), 'validahub-bench-sandbox-'));
  const file = join(dir, 'feed.csv');
  try {
    console.log(`generating ${rows.toLocaleString('en-US')} mercado_livre rows in ${file} ...`);
    await generateFeed(file, rows);
    let met = true;
    if (runs > 0) {
      const best = measure(file, runs);
      console.log(`file: ${(statSync(file).size / 1024 / 1024).toFixed(0)} MB; best of ${runs} interleaved runs per task and mode\n`);
      met = report(best);
      console.log(`target (on CPU time): the sandbox keeps >= ${MIN_RATIO}x the in-process rows/s`);
    }
    if (concurrent > 0) {
      const memoryMb = option('task-memory-mb', 0);
      const run = await concurrentJobs(file, concurrent, memoryMb ? { TASK_MEMORY_MB: String(memoryMb) } : {});
      console.log(
        `\nenterprise worker${memoryMb ? ` (TASK_MEMORY_MB=${memoryMb})` : ''}, ${run.jobs} concurrent correct_csv_jobs (${run.outcomes.join(', ')}): ${run.rows.toLocaleString('en-US')} rows in ${(run.wallMs / 1000).toFixed(1)} s ` +
          `(${Math.round(run.rows / (run.wallMs / 1000)).toLocaleString('en-US')} rows/s together); worker RSS idle ${run.idleRssMb.toFixed(0)} MB, ` +
          `peak sampled ${run.peakRssMb.toFixed(0)} MB, VmHWM ${run.highWaterMb.toFixed(0)} MB`,
      );
    }
    process.exitCode = met ? 0 : 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
