import { basename, dirname } from 'node:path';
import pino from 'pino';
import { loadConfig } from '@validahub/config';
import { createTaskHandlers, TaskContext, TaskResult, taskSettingsFromConfig } from '@validahub/jobs-tasks';
import { createStorageFromConfig, openScope } from '@validahub/storage';
import { ThreadSandbox } from '@validahub/worker-runtime';

/**
 * One run of a CSV task on the benchmark file, in its own process: `in-process` calls the task
 * handler in this thread, `sandbox` runs the same handler in a ThreadSandbox thread (warmed up
 * first, as a worker's is). Prints one JSON line: { mode, task, rows, ms (wall), cpuMs (all threads), maxRssMb }.
 */
export type SandboxBenchMode = 'in-process' | 'sandbox';

async function main(): Promise<void> {
  const [mode, task, file] = process.argv.slice(2) as [SandboxBenchMode, string, string];
  const config = loadConfig({ STORAGE_ROOT: dirname(file), RESULTS_URI: 'results', LOG_LEVEL: 'silent' });
  const logger = pino({ level: 'silent' });
  const ctx: TaskContext = {
    jobId: `bench-${process.pid}`,
    attempt: 1,
    runId: mode,
    params: {
      input_uri: basename(file),
      marketplace: 'mercado_livre',
      category: 'electronics',
      ruleset: 'default',
      auto_fix: task === 'correct_csv_job',
    },
    correlationId: 'bench',
    signal: new AbortController().signal,
    reportProgress: () => undefined,
    logger,
  };
  let run: (ctx: TaskContext) => Promise<TaskResult>;
  let close: () => Promise<void> = async () => undefined;
  if (mode === 'sandbox') {
    // One warm thread, so the run measured does not include the thread's start.
    const sandbox = new ThreadSandbox({ config, taskNames: [task], maxThreads: 1, plans: ['pro'], logger, warmThreads: 1 });
    await sandbox.start();
    run = (c) => sandbox.prepare({ name: task, plan: 'pro', scope: openScope() }).run(c);
    close = () => sandbox.close();
  } else {
    const deps = { ...taskSettingsFromConfig(config), storage: createStorageFromConfig(config.storage), resultsUri: config.storage.resultsUri };
    const handler = createTaskHandlers(deps)[task];
    if (!handler) throw new Error(`no handler for ${task}`);
    run = handler;
  }
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  const result = await run(ctx);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  const cpu = process.cpuUsage(cpuAtStart);
  await close();
  const rows = Number(result.summary?.rows_total);
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ mode, task, rows, ms, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMb })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
