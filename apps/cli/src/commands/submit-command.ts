import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { ApiProblemError, type Job, type ResultPart } from '@validahub/jobs-client';
import { CliError, EXIT_CODES, type ExitCode } from '../exit-codes';
import { JobProgress } from '../output/job-progress';
import type { RemoteContext } from '../remote/remote-context';

export interface SubmitOptions {
  marketplace: string;
  category?: string;
  ruleset?: string;
  fix?: boolean;
  wait?: boolean;
  out: string;
  plan?: 'free' | 'pro' | 'business' | 'enterprise';
  idempotencyKey?: string;
  timeout: number;
  quiet?: boolean;
}

/** The files a finished CSV job leaves behind, by part; absent parts (no auto-fix, an older gateway) are skipped. */
function artefacts(input: string): { part: ResultPart; file: string; label: string }[] {
  const stem = basename(input, extname(input));
  return [
    { part: 'report', file: `${stem}.report.json`, label: 'report' },
    { part: 'corrected', file: `${stem}.corrected.csv`, label: 'corrected CSV' },
    { part: 'issues_csv', file: `${stem}.issues.csv`, label: 'issues CSV' },
    { part: 'report_html', file: `${stem}.report.html`, label: 'HTML report' },
  ];
}

/** `validahub submit <file>`: upload, create a validate_csv_job, and with --wait follow it and download what it produced. */
export async function runSubmit(file: string, options: SubmitOptions, context: RemoteContext): Promise<ExitCode> {
  const { client, streams, out, err } = context;
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new CliError(`file not found: ${file}`);
  const content = await readFile(file);
  const uploaded = await client.upload(new Blob([content], { type: 'text/csv' }), basename(file));
  const { job, replayed } = await client.createJob(
    {
      task: 'validate_csv_job',
      params: {
        input_uri: uploaded.uri,
        marketplace: options.marketplace as 'generic',
        category: options.category,
        ruleset: options.ruleset,
        auto_fix: options.fix ?? false,
      },
      plan: options.plan,
    },
    { idempotencyKey: options.idempotencyKey },
  );
  streams.stdout.write(`job ${out.bold(job.id)} ${replayed ? 'replayed' : 'queued'} on ${job.queue} (correlation id ${job.correlation_id})\n`);
  if (!options.wait) {
    streams.stdout.write(`follow it with: validahub jobs get ${job.id}\n`);
    return EXIT_CODES.valid;
  }

  const progress = new JobProgress(streams.stderr, err);
  let done: Job;
  try {
    done = await client.waitForJob(job.id, { timeoutMs: options.timeout * 1000, onUpdate: (update) => !options.quiet && progress.update(update) });
  } finally {
    progress.stop();
  }
  if (done.status !== 'succeeded') {
    const why = done.error ? `: ${done.error.code}: ${done.error.message}` : '';
    streams.stderr.write(`${err.red('error:')} job ${done.id} ended ${done.status}${why}\n`);
    return EXIT_CODES.jobNotSucceeded;
  }

  const directory = resolve(options.out);
  await mkdir(directory, { recursive: true });
  for (const { part, file: name, label } of artefacts(file)) {
    const written = await download(context, done.id, part, join(directory, name));
    if (written) streams.stdout.write(`${label} written to ${written}\n`);
  }
  const summary = (done.summary ?? {}) as Record<string, number>;
  const summaryText = (done.summary as { summary_text?: string } | null)?.summary_text;
  streams.stdout.write(
    `${summaryText ?? `rows ${summary.rows_total}, invalid ${summary.rows_invalid}, errors ${summary.errors}, warnings ${summary.warnings}`}\n`,
  );
  const errors = Number(summary.errors ?? 0);
  streams.stdout.write(
    errors === 0 ? `${out.green('result: VALID')} (exit code 0)\n` : `${out.red(`result: INVALID: ${errors} errors`)} (exit code 1)\n`,
  );
  return errors === 0 ? EXIT_CODES.valid : EXIT_CODES.invalid;
}

async function download(context: RemoteContext, id: string, part: ResultPart, target: string): Promise<string | null> {
  try {
    const response = await context.client.downloadResult(id, part);
    await writeFile(target, Buffer.from(await response.arrayBuffer()));
    return target;
  } catch (error) {
    // A part this job did not produce (no auto-fix), or one an older gateway does not serve.
    if (error instanceof ApiProblemError && (error.status === 404 || (error.status === 400 && part !== 'report'))) return null;
    throw error;
  }
}
