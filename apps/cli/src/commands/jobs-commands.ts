import Table from 'cli-table3';
import type { Job, ListJobsQuery, ResultPart } from '@validahub/jobs-client';
import { writeFile } from 'node:fs/promises';
import { EXIT_CODES, type ExitCode } from '../exit-codes';
import type { Colors } from '../output/colors';
import { COMPACT_CHARS } from '../output/report-tables';
import type { RemoteContext } from '../remote/remote-context';

const STATUS_COLORS: Record<string, keyof Colors> = { succeeded: 'green', failed: 'red', cancelled: 'yellow', expired: 'yellow', running: 'cyan' };
const coloured = (colors: Colors, status: string): string => {
  const paint = colors[STATUS_COLORS[status] ?? 'dim'] as (text: string) => string;
  return paint(status);
};

export function printJob(context: RemoteContext, job: Job, json: boolean): void {
  if (json) return void context.streams.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  const { out } = context;
  const lines = [
    `${out.bold(job.id)} ${job.task_name} ${coloured(out, job.status)} ${job.progress}%${job.message ? ` ${job.message}` : ''}`,
    `plan ${job.plan} (queue ${job.queue}, priority ${job.priority}), attempts ${job.attempts}/${job.max_attempts}, created ${job.created_at}`,
  ];
  if (job.error) lines.push(out.red(`error ${job.error.code}: ${job.error.message}`));
  if (job.summary) lines.push(`summary ${JSON.stringify(job.summary)}`);
  if (job.result_ref) lines.push(`result ${job.result_ref} (validahub result ${job.id})`);
  context.streams.stdout.write(`${lines.join('\n')}\n`);
}

export async function runJobsList(query: ListJobsQuery, json: boolean, context: RemoteContext): Promise<ExitCode> {
  const page = await context.client.listJobs(query);
  if (json) {
    context.streams.stdout.write(`${JSON.stringify(page, null, 2)}\n`);
    return EXIT_CODES.valid;
  }
  const table = new Table({ head: ['id', 'task', 'status', 'progress', 'plan', 'created'], style: { head: [], border: [] }, chars: COMPACT_CHARS });
  for (const job of page.items) table.push([job.id, job.task_name, coloured(context.out, job.status), `${job.progress}%`, job.plan, job.created_at]);
  // Past 10,000 matching jobs the API stops counting: the total is then a lower bound.
  const total = `${page.total}${page.total_is_lower_bound ? '+' : ''}`;
  const next = page.next_cursor ? `next page: --cursor ${page.next_cursor}\n` : '';
  context.streams.stdout.write(`${table.toString()}\n${page.items.length} of ${total} jobs (offset ${page.offset})\n${next}`);
  return EXIT_CODES.valid;
}

export async function runJobsGet(id: string, json: boolean, context: RemoteContext): Promise<ExitCode> {
  printJob(context, await context.client.getJob(id), json);
  return EXIT_CODES.valid;
}

export async function runJobsCancel(id: string, json: boolean, context: RemoteContext): Promise<ExitCode> {
  const { job, status } = await context.client.cancelJob(id);
  if (!json) context.streams.stdout.write(status === 202 ? 'running: the worker was asked to stop\n' : 'cancelled\n');
  printJob(context, job, json);
  return EXIT_CODES.valid;
}

export async function runJobsRetry(id: string, json: boolean, context: RemoteContext): Promise<ExitCode> {
  const job = await context.client.retryJob(id);
  if (json) context.streams.stdout.write(`${JSON.stringify(job, null, 2)}\n`);
  else context.streams.stdout.write(`job ${context.out.bold(job.id)} queued as a retry of ${id}\n`);
  return EXIT_CODES.valid;
}

/** `validahub result <id>`: the stored result (or one part of it) to a file or stdout. */
export async function runResult(id: string, options: { part?: ResultPart; out?: string }, context: RemoteContext): Promise<ExitCode> {
  const response = await context.client.downloadResult(id, options.part);
  const bytes = Buffer.from(await response.arrayBuffer());
  if (!options.out || options.out === '-') {
    context.streams.stdout.write(bytes);
    return EXIT_CODES.valid;
  }
  await writeFile(options.out, bytes);
  context.streams.stdout.write(`${bytes.length} bytes written to ${options.out}\n`);
  return EXIT_CODES.valid;
}
