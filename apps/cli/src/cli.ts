import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { listMarketplaces } from '@validahub/csv-rules';
import { printRulesets } from './commands/rulesets-command';
import { runValidate, type ValidateOptions } from './commands/validate-command';
import type { CliStreams } from './cli-streams';
import { CliError, EXIT_CODES } from './exit-codes';

function count(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number');
  return parsed;
}

/** Parses `argv` and runs the command; resolves to the exit code (see exit-codes.ts), never throws. */
export async function runCli(argv: readonly string[], streams: CliStreams): Promise<number> {
  let exitCode: number = EXIT_CODES.valid;
  const program = new Command()
    .name('validahub')
    .description('Validate and fix marketplace product-feed CSVs locally, without any server.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void streams.stdout.write(text),
      writeErr: (text) => void streams.stderr.write(text),
    })
    .showHelpAfterError('(run with --help for usage)');

  const marketplaces = listMarketplaces().map((entry) => entry.marketplace);
  program
    .command('validate')
    .description('check a CSV file against a marketplace ruleset; exit 0 when valid, 1 when it has errors, 2 when it cannot be checked')
    .argument('<file>', 'the CSV file to check')
    .addOption(new Option('-m, --marketplace <name>', 'marketplace ruleset').choices(marketplaces).default('generic'))
    .option('-c, --category <name>', 'product category, adds its rules (e.g. electronics)')
    .option('-r, --ruleset <name>', 'ruleset of the marketplace', 'default')
    .option('--fix <out.csv>', 'apply the auto-fixes and write the corrected CSV (UTF-8, ",") to this file')
    .option('--auto-fix', 'apply the auto-fixes in the report without writing a corrected file')
    .option('--json <report.json>', 'write the full report as JSON to this file ("-" for stdout)')
    .option('--max-issues <n>', 'most issues kept in the report (counts stay exact)', count, 10_000)
    .option('--show <n>', 'issues listed on the terminal', count, 20)
    .option('--encoding <name>', 'input encoding: auto, utf-8, windows-1252 (latin1), utf-16le, utf-16be', 'auto')
    .option('--delimiter <char>', 'input delimiter: , ; tab | (detected when absent)')
    .option('-q, --quiet', 'no progress bar')
    .action(async (file: string, options: ValidateOptions) => {
      exitCode = await runValidate(file, options, streams);
    });

  program
    .command('rulesets')
    .description('list the marketplaces, their rulesets, categories and columns')
    .action(() => printRulesets(streams.stdout));

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // Commander has already printed its message (or the help); --help and --version exit with 0.
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CODES.valid : EXIT_CODES.failed;
    const message = error instanceof CliError ? error.message : error instanceof Error ? error.message : String(error);
    streams.stderr.write(`error: ${message}\n`);
    return EXIT_CODES.failed;
  }
}
