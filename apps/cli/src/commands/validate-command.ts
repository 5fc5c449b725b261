import { createReadStream } from 'node:fs';
import { stat, writeFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { renderIssuesCsv, renderReportHtml, UnreadableCsvError, validateCsv, type ValidationReport } from '@validahub/csv-rules';
import type { CliStreams } from '../cli-streams';
import { CliError, EXIT_CODES } from '../exit-codes';
import type { Colors } from '../output/colors';
import { CorrectedFile } from '../output/corrected-file';
import { DelayedProgressBar } from '../output/progress-bar';
import { renderReport } from '../output/report-tables';

export interface ValidateOptions {
  marketplace: string;
  category?: string;
  ruleset: string;
  fix?: string;
  autoFix?: boolean;
  json?: string;
  html?: string;
  issuesCsv?: string;
  maxIssues: number;
  show: number;
  encoding: string;
  delimiter?: string;
  quiet?: boolean;
}

async function inputSize(file: string): Promise<number> {
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new CliError(`not a file: ${file}`);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `file not found: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
}

/** Runs one validation and prints it; resolves to the exit code. */
export async function runValidate(file: string, options: ValidateOptions, streams: CliStreams, colors: Colors): Promise<0 | 1> {
  const totalBytes = await inputSize(file);
  if (options.fix && resolve(options.fix) === resolve(file)) {
    throw new CliError('--fix must name a new file, not the input being read');
  }
  const corrected = options.fix ? await CorrectedFile.create(options.fix) : null;
  const progress = new DelayedProgressBar(streams.stderr, totalBytes, !options.quiet);

  let report: ValidationReport;
  try {
    report = await validateCsv(createReadStream(file), {
      marketplace: options.marketplace,
      category: options.category,
      ruleset: options.ruleset,
      autoFix: Boolean(options.fix ?? options.autoFix),
      correctedOutput: corrected?.stream,
      maxIssues: options.maxIssues,
      encoding: options.encoding,
      delimiter: options.delimiter,
      totalBytes,
      onProgress: (update) => progress.update(update.bytesRead, update.rowsRead),
    });
    await corrected?.commit();
  } catch (error) {
    await corrected?.discard();
    if (error instanceof UnreadableCsvError) throw new CliError(`${file} cannot be read as CSV: ${error.message}`);
    throw error;
  } finally {
    progress.stop();
  }

  const reportJson = `${JSON.stringify(report, null, 2)}\n`;
  if (options.json === '-') streams.stdout.write(reportJson);
  else if (options.json) await writeFile(options.json, reportJson);
  if (options.html) await writeFile(options.html, renderReportHtml(report, { title: basename(file) }));
  if (options.issuesCsv) await writeFile(options.issuesCsv, renderIssuesCsv(report));

  const valid = report.summary.errors === 0;
  // With the JSON on stdout, the human summary goes to stderr so the JSON stays parseable.
  const human = options.json === '-' ? streams.stderr : streams.stdout;
  const width = (human as { columns?: number }).columns ?? 120;
  human.write(
    renderReport(report, {
      file,
      shown: options.show,
      written: [
        ['corrected CSV', options.fix],
        ['report', options.json === '-' ? undefined : options.json],
        ['HTML report', options.html],
        ['issues CSV', options.issuesCsv],
      ],
      width,
      colors,
    }),
  );
  return valid ? EXIT_CODES.valid : EXIT_CODES.invalid;
}
