import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError, type Env, loadCliSettings } from '@validahub/config';
import { listMarketplaces } from '@validahub/csv-rules';
import { addRemoteCommands } from './commands/remote-commands';
import { printRulesets } from './commands/rulesets-command';
import { runValidate, type ValidateOptions } from './commands/validate-command';
import type { CliStreams } from './cli-streams';
import { CliError, EXIT_CODES, type ExitCode } from './exit-codes';
import { colorsFor } from './output/colors';

function count(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

/** The repository's version: the CLI ships with it. */
function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** Parses `argv` and runs the command; resolves to the exit code (see exit-codes.ts), never throws. */
export async function runCli(argv: readonly string[], streams: CliStreams, env: Env = {}): Promise<number> {
  let exitCode: ExitCode = EXIT_CODES.valid;
  const setExit = (code: ExitCode) => (exitCode = code);
  let settings;
  try {
    settings = loadCliSettings(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    streams.stderr.write(`error: ${error.message}\n`);
    return EXIT_CODES.failed;
  }
  const out = colorsFor(streams.stdout, settings, env.TERM);
  const err = colorsFor(streams.stderr, settings, env.TERM);
  const program = new Command()
    .name('validahub')
    .description('Validate and fix marketplace product-feed CSVs: locally (validate), or as jobs on a ValidaHub gateway (submit, jobs, result).')
    .version(version(), '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void streams.stdout.write(text),
      writeErr: (text) => void streams.stderr.write(text),
      outputError: (text, write) => write(err.red(text)),
    })
    .showHelpAfterError('(run with --help for usage)');

  const marketplaces = listMarketplaces().map((entry) => entry.marketplace);
  program
    .command('validate')
    .description('check a CSV file locally against a marketplace ruleset; exit 0 when valid, 1 when it has errors, 2 when it cannot be checked')
    .argument('<file>', 'the CSV file to check')
    .addOption(new Option('-m, --marketplace <name>', 'marketplace ruleset').choices(marketplaces).default('generic'))
    .option('-c, --category <name>', 'product category, adds its rules (e.g. electronics)')
    .option('-r, --ruleset <name>', 'ruleset of the marketplace', 'default')
    .option('--fix <out.csv>', 'apply the auto-fixes and write the corrected CSV (UTF-8, ",") to this file')
    .option('--auto-fix', 'apply the auto-fixes in the report without writing a corrected file')
    .option('--json <report.json>', 'write the full report as JSON to this file ("-" for stdout)')
    .option('--html <report.html>', 'write the report as a self-contained HTML page')
    .option('--issues-csv <issues.csv>', 'write the issues as CSV (one row per issue, opens in a spreadsheet)')
    .option('--max-issues <n>', 'most issues kept in the report (counts stay exact)', count, 10_000)
    .option('--show <n>', 'issues listed on the terminal', count, 20)
    .option('--encoding <name>', 'input encoding: auto, utf-8, windows-1252 (latin1), utf-16le, utf-16be', 'auto')
    .option('--delimiter <char>', 'input delimiter: , ; tab | (detected when absent)')
    .option('-q, --quiet', 'no progress bar')
    .action(async (file: string, options: ValidateOptions) => {
      setExit(await runValidate(file, options, streams, out));
    });

  program
    .command('rulesets')
    .description('list the marketplaces, their rulesets, categories and columns')
    .action(() => printRulesets(streams.stdout));

  addRemoteCommands(program, { settings, streams, out, err, marketplaces, exit: setExit });

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // Commander has already printed its message (or the help); --help and --version exit with 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.valid : EXIT_CODES.failed;
    const failure = error instanceof CliError ? error : null;
    const message = failure ? failure.message : error instanceof Error ? error.message : String(error);
    streams.stderr.write(`${err.red('error:')} ${message}\n`);
    return failure ? failure.exitCode : EXIT_CODES.failed;
  }
}
