import { readFile } from 'node:fs/promises';
import Table from 'cli-table3';
import type { CreateWorkflowRequest, Workflow } from '@validahub/jobs-client';
import { CliError, EXIT_CODES, type ExitCode } from '../exit-codes';
import type { Colors } from '../output/colors';
import { COMPACT_CHARS } from '../output/report-tables';
import type { RemoteContext } from '../remote/remote-context';

/** How often `workflows watch` looks (workflows have no event stream; a step takes seconds at least). */
export const WORKFLOW_POLL_MS = 500;

const STATUS_COLORS: Record<string, keyof Colors> = {
  succeeded: 'green',
  failed: 'red',
  cancelled: 'yellow',
  skipped: 'yellow',
  running: 'cyan',
};
const coloured = (colors: Colors, status: string): string => (colors[STATUS_COLORS[status] ?? 'dim'] as (text: string) => string)(status);

export interface WorkflowRunOptions {
  follow?: boolean;
  plan?: string;
  idempotencyKey?: string;
  timeout: number;
  json?: boolean;
}

export interface WorkflowWatchOptions {
  timeout: number;
  json?: boolean;
}

/**
 * The create body from a JSON file (`{name?, steps: [...], idempotency_key?}`, as `POST /workflows`
 * takes it). An unreadable file, bad JSON or no `steps` array is a usage error (exit 2) naming the
 * file; what the gateway refuses (a cycle, an unknown task) comes back as its 400 (exit 4).
 */
export async function readWorkflowFile(file: string): Promise<CreateWorkflowRequest> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray((body as { steps?: unknown }).steps)) {
    throw new CliError(`${file} must hold a workflow: an object with a "steps" array (see validahub workflows run --help)`);
  }
  return body as CreateWorkflowRequest;
}

export function printWorkflow(context: RemoteContext, workflow: Workflow, json: boolean): void {
  if (json) return void context.streams.stdout.write(`${JSON.stringify(workflow, null, 2)}\n`);
  const { out } = context;
  const table = new Table({ head: ['step', 'task', 'status', 'job', 'depends on'], style: { head: [], border: [] }, chars: COMPACT_CHARS });
  for (const step of workflow.steps) {
    const status = step.error ? `${coloured(out, step.status)} (${step.error.code})` : coloured(out, step.status);
    table.push([
      step.id,
      step.template ? `${step.task} (${step.template}@${step.template_version})` : step.task,
      status,
      step.job_id ?? '',
      step.depends_on.join(', '),
    ]);
  }
  const title = `workflow ${out.bold(workflow.id)}${workflow.name ? ` "${workflow.name}"` : ''} ${coloured(out, workflow.status)}`;
  context.streams.stdout.write(`${title}\n${table.toString()}\n`);
  for (const step of workflow.steps) if (step.error) context.streams.stdout.write(`${out.red(`step ${step.id}: ${step.error.message}`)}\n`);
}

export async function runWorkflowRun(file: string, options: WorkflowRunOptions, context: RemoteContext): Promise<ExitCode> {
  const body = await readWorkflowFile(file);
  if (options.plan) body.plan = options.plan as CreateWorkflowRequest['plan'];
  if (options.idempotencyKey) body.idempotency_key = options.idempotencyKey;
  const workflow = await context.client.createWorkflow(body);
  if (!options.follow) {
    printWorkflow(context, workflow, !!options.json);
    return EXIT_CODES.valid;
  }
  if (!options.json) context.streams.stderr.write(`workflow ${workflow.id} started\n`);
  return runWorkflowWatch(workflow.id, options, context, workflow);
}

export async function runWorkflowGet(id: string, json: boolean, context: RemoteContext): Promise<ExitCode> {
  printWorkflow(context, await context.client.getWorkflow(id), json);
  return EXIT_CODES.valid;
}

export async function runWorkflowCancel(id: string, json: boolean, context: RemoteContext): Promise<ExitCode> {
  printWorkflow(context, await context.client.cancelWorkflow(id), json);
  return EXIT_CODES.valid;
}

/**
 * Follows a workflow until it ends, writing each step's change of status to stderr as it sees
 * it (`step correct: pending -> running (job ...)`), then the workflow to stdout. Exit 0 when it
 * succeeded, 3 when it failed or was cancelled, or when `timeout` seconds passed first.
 */
export async function runWorkflowWatch(id: string, options: WorkflowWatchOptions, context: RemoteContext, first?: Workflow): Promise<ExitCode> {
  const until = Date.now() + options.timeout * 1_000;
  const seen = new Map<string, string>();
  let workflow = first ?? (await context.client.getWorkflow(id));
  for (;;) {
    if (!options.json) reportChanges(context, workflow, seen);
    if (workflow.status !== 'running') break;
    if (Date.now() >= until) throw new CliError(`workflow ${id} still running after ${options.timeout} s`, EXIT_CODES.jobNotSucceeded);
    await new Promise((resolve) => setTimeout(resolve, WORKFLOW_POLL_MS));
    workflow = await context.client.getWorkflow(id);
  }
  printWorkflow(context, workflow, !!options.json);
  return workflow.status === 'succeeded' ? EXIT_CODES.valid : EXIT_CODES.jobNotSucceeded;
}

function reportChanges(context: RemoteContext, workflow: Workflow, seen: Map<string, string>): void {
  const { err } = context;
  for (const step of workflow.steps) {
    const before = seen.get(step.id);
    if (before === step.status) continue;
    seen.set(step.id, step.status);
    const job = step.job_id ? ` (job ${step.job_id})` : '';
    context.streams.stderr.write(`step ${step.id}: ${before ? `${before} -> ` : ''}${coloured(err, step.status)}${job}\n`);
  }
}
