import { Command, InvalidArgumentError, Option } from 'commander';
import type { CliSettings } from '@validahub/config';
import type { ListJobsQuery, ResultPart } from '@validahub/jobs-client';
import type { CliStreams } from '../cli-streams';
import { type ExitCode } from '../exit-codes';
import type { Colors } from '../output/colors';
import { remoteContext, remoteFailure, type RemoteContext, type RemoteOptions } from '../remote/remote-context';
import { runJobsCancel, runJobsGet, runJobsList, runJobsRetry, runResult } from './jobs-commands';
import { runSubmit, type SubmitOptions } from './submit-command';
import { runWatch, type WatchOptions } from './watch-command';
import {
  runWorkflowCancel,
  runWorkflowGet,
  runWorkflowRun,
  runWorkflowWatch,
  type WorkflowRunOptions,
  type WorkflowWatchOptions,
} from './workflow-commands';

const PLANS = ['free', 'pro', 'business', 'enterprise'];
const STATUSES = ['queued', 'running', 'retrying', 'succeeded', 'failed', 'cancelled', 'expired'];
const PARTS: ResultPart[] = ['report', 'corrected', 'issues_csv', 'report_html'];

function positive(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1) throw new InvalidArgumentError('expected a whole number >= 1');
  return parsed;
}

export interface RemoteDeps {
  settings: CliSettings;
  streams: CliStreams;
  out: Colors;
  err: Colors;
  marketplaces: string[];
  /** Where the action's exit code goes. */
  exit(code: ExitCode): void;
}

/** Adds --url and --api-key to a command and runs its action with a client, mapping API failures to exit codes. */
function remote<A extends unknown[]>(command: Command, deps: RemoteDeps, action: (context: RemoteContext, ...args: A) => Promise<ExitCode>): Command {
  return command
    .option('--url <url>', 'the gateway (default VALIDAHUB_URL, else http://127.0.0.1:3001)')
    .option('--api-key <key>', 'API key, sent as Authorization: Bearer (default VALIDAHUB_API_KEY)')
    .action(async (...args: unknown[]) => {
      const options = (args.at(-2) ?? {}) as RemoteOptions;
      const context = remoteContext(options, deps.settings, deps.streams, deps.out, deps.err);
      try {
        deps.exit(await action(context, ...(args.slice(0, -1) as A)));
      } catch (error) {
        throw remoteFailure(error, context.client.baseUrl) ?? error;
      }
    });
}

/** submit, jobs list|get|cancel|retry, watch, result, workflows run|get|watch|cancel: the commands that talk to a gateway. */
export function addRemoteCommands(program: Command, deps: RemoteDeps): void {
  remote<[string, SubmitOptions]>(
    program
      .command('submit')
      .description('upload a CSV and create a validate_csv_job; with --wait follow it and download its report and files')
      .argument('<file>', 'the CSV file to submit')
      .addOption(new Option('-m, --marketplace <name>', 'marketplace ruleset').choices(deps.marketplaces).makeOptionMandatory())
      .option('-c, --category <name>', 'product category, adds its rules (e.g. electronics)')
      .option('-r, --ruleset <name>', 'ruleset of the marketplace')
      .option('--fix', 'auto-fix: the job also writes a corrected CSV')
      .option('--wait', 'follow the job to the end, then download the report, corrected CSV, issues CSV and HTML report')
      .option('--out <dir>', 'where --wait writes the files', '.')
      .addOption(new Option('--plan <plan>', 'plan (open mode only; with API keys it is the key’s)').choices(PLANS))
      .option('--idempotency-key <key>', 'a repeat with the same key replays the first job instead of creating another')
      .option('--timeout <seconds>', 'give up waiting after this long', positive, 600)
      .option('-q, --quiet', 'no progress'),
    deps,
    (context, file, options) => runSubmit(file, options, context),
  );

  const jobs = program.command('jobs').description('list, show, cancel or retry jobs');
  remote<[{ status?: string; task?: string; limit?: number; offset?: number; cursor?: string; json?: boolean }]>(
    jobs
      .command('list')
      .description('the newest jobs first')
      .addOption(new Option('--status <status>').choices(STATUSES))
      .option('--task <name>', 'task name')
      .option('--limit <n>', 'page size (1..100)', positive, 20)
      .addOption(new Option('--offset <n>', 'skip this many').argParser((v) => Number(v)).conflicts('cursor'))
      .option('--cursor <cursor>', 'the next page: the cursor the previous page printed')
      .option('--json', 'print the API answer as JSON'),
    deps,
    (context, options) =>
      runJobsList(
        { status: options.status, task: options.task, limit: options.limit, offset: options.offset, cursor: options.cursor } as ListJobsQuery,
        !!options.json,
        context,
      ),
  );
  for (const [name, description, run] of [
    ['get', 'show one job', runJobsGet],
    ['cancel', 'cancel a job (a running one is asked to stop)', runJobsCancel],
    ['retry', 'run a failed, cancelled or expired job again as a new job', runJobsRetry],
  ] as const) {
    remote<[string, { json?: boolean }]>(
      jobs.command(name).description(description).argument('<id>', 'job id').option('--json', 'print the API answer as JSON'),
      deps,
      (context, id, options) => run(id, !!options.json, context),
    );
  }

  remote<[string, WatchOptions]>(
    program
      .command('watch')
      .description('follow a job to its end over the event stream, with a progress bar; exit 0 when it succeeded, 3 when not')
      .argument('<id>', 'job id')
      .option('--timeout <seconds>', 'give up waiting after this long', positive, 3_600)
      .option('--json', 'print the finished job as JSON')
      .option('-q, --quiet', 'no progress'),
    deps,
    (context, id, options) => runWatch(id, options, context),
  );

  remote<[string, { part?: ResultPart; out?: string }]>(
    program
      .command('result')
      .description('download the result of a succeeded job (or one of its parts)')
      .argument('<id>', 'job id')
      .addOption(new Option('--part <part>', 'which artefact of a CSV job').choices(PARTS))
      .option('-o, --out <file>', 'write it to this file ("-" or absent: stdout)'),
    deps,
    (context, id, options) => runResult(id, options, context),
  );

  addWorkflowCommands(program, deps);
}

function addWorkflowCommands(program: Command, deps: RemoteDeps): void {
  const workflows = program.command('workflows').description('run a workflow (a DAG of jobs) from a JSON file, show, follow or cancel one');
  remote<[string, WorkflowRunOptions]>(
    workflows
      .command('run')
      .description('create a workflow from a JSON file ({"name"?, "steps": [{"id", "task" | "template", "params", "depends_on"?}]})')
      .argument('<file>', 'the workflow as JSON')
      .option('--follow', 'follow it to the end, showing each step; exit 0 when it succeeded, 3 when not')
      .addOption(new Option('--plan <plan>', 'plan (open mode only; with API keys it is the key’s)').choices(PLANS))
      .option('--idempotency-key <key>', 'a repeat with the same key answers the workflow the first one created')
      .option('--timeout <seconds>', 'with --follow, give up after this long', positive, 3_600)
      .option('--json', 'print the workflow as JSON'),
    deps,
    (context, file, options) => runWorkflowRun(file, options, context),
  );
  for (const [name, description, run] of [
    ['get', 'show a workflow and its steps', runWorkflowGet],
    ['cancel', 'cancel a workflow: running steps are cancelled, pending ones skipped', runWorkflowCancel],
  ] as const) {
    remote<[string, { json?: boolean }]>(
      workflows.command(name).description(description).argument('<id>', 'workflow id').option('--json', 'print the workflow as JSON'),
      deps,
      (context, id, options) => run(id, !!options.json, context),
    );
  }
  remote<[string, WorkflowWatchOptions]>(
    workflows
      .command('watch')
      .description('follow a workflow to its end, showing each step as it changes; exit 0 when it succeeded, 3 when not')
      .argument('<id>', 'workflow id')
      .option('--timeout <seconds>', 'give up after this long', positive, 3_600)
      .option('--json', 'print the finished workflow as JSON'),
    deps,
    (context, id, options) => runWorkflowWatch(id, options, context),
  );
}
