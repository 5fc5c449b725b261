import type { Readable } from 'node:stream';
import { isBlankRow, stripTrailingCarriageReturn } from './engine/cells';
import { RowProcessor } from './engine/row-processor';
import { compilePlan, findCategory } from './engine/validation-plan';
import { ValidationAbortedError } from './errors';
import { resolveOptions, type ResolvedOptions, type ValidateCsvOptions, type ValidationProgress } from './options';
import { CorrectedCsvWriter } from './output/corrected-writer';
import { CsvRecordReader, type QuoteProblem, type RecordBatch } from './parsing/record-reader';
import { locateRecordEnd } from './parsing/record-locator';
import { ReportBuilder } from './report/report-builder';
import type { ValidationReport } from './report/report-types';

const ABORT_CHECK_EVERY_ROWS = 1_000;
/**
 * A fast in-memory source can feed chunk after chunk through microtasks alone; yielding to the
 * event loop this often lets timers and I/O callbacks (cancel requests, queue lock renewals) run.
 */
const YIELD_EVERY_MS = 50;

/**
 * Validates (and with `autoFix`, corrects) a CSV read from `input`, in one streaming pass with
 * flat memory. Resolves to the report, also when the file has errors; rejects only when the
 * file cannot be read as CSV (UnreadableCsvError), on bad options, on abort
 * (ValidationAbortedError), or with the input's or output's own error. The input is consumed,
 * and destroyed if validation stops early.
 */
export async function validateCsv(input: Readable, options: ValidateCsvOptions = {}): Promise<ValidationReport> {
  const settings = resolveOptions(options);
  const { signal } = settings;
  if (signal?.aborted) {
    input.destroy();
    throw new ValidationAbortedError(signal.reason);
  }
  // Destroyed without an error (an unheard 'error' event would crash the process); the read
  // loop then fails with a premature close, which the catch below turns into the abort error.
  const onAbort = (): void => {
    input.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const writer = settings.correctedOutput
    ? new CorrectedCsvWriter(settings.correctedOutput, signal, settings.correctedOutputBom)
    : null;
  try {
    return await run(input, settings, writer);
  } catch (error) {
    writer?.abandon();
    if (signal?.aborted && !(error instanceof ValidationAbortedError)) throw new ValidationAbortedError(signal.reason);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function run(input: Readable, settings: ResolvedOptions, writer: CorrectedCsvWriter | null): Promise<ValidationReport> {
  const { ruleset, signal } = settings;
  const reader = new CsvRecordReader(input as AsyncIterable<Buffer | string>, {
    encoding: settings.encoding,
    delimiter: settings.delimiter,
    maxRecordChars: settings.maxRecordChars,
  });
  const report = new ReportBuilder(settings.maxIssues);
  const category = findCategory(ruleset, settings.category);
  let processor: RowProcessor | null = null;
  let headerRecord = 0;
  let rowsRead = 0;
  let rowsSinceAbortCheck = 0;
  let lastYield = Date.now();

  const progress = async (bytesRead: number, done: boolean): Promise<void> => {
    if (!settings.onProgress) return;
    const { totalBytes } = settings;
    const fraction = totalBytes ? Math.min(1, bytesRead / totalBytes) : totalBytes === 0 ? 1 : null;
    const update: ValidationProgress = { rowsRead, bytesRead, totalBytes, fraction, done };
    await settings.onProgress(update);
  };

  for await (const batch of reader.batches()) {
    throwIfAborted(signal);
    const quoteProblems = quoteProblemsByRow(batch);
    // Rows of a `,`-separated file that auto-fix leaves untouched are copied to the output as read.
    const dialect = reader.dialect;
    let recordStart = writer !== null && dialect?.delimiter === ',' ? 0 : -1;
    for (let i = 0; i < batch.rows.length; i++) {
      const cells = batch.rows[i];
      let record: string | null = null;
      // After a quoting problem papaparse's reading and the text may no longer line up: stop copying for this piece.
      if (quoteProblems?.has(i)) recordStart = -1;
      if (recordStart !== -1 && dialect) {
        const end = locateRecordEnd(batch.text, recordStart, cells, 0x2c, dialect.newline.charCodeAt(0));
        record = end === -1 ? null : batch.text.slice(recordStart, end);
        recordStart = end;
      }
      stripTrailingCarriageReturn(cells);
      if (!processor) {
        if (isBlankRow(cells)) continue;
        const plan = compilePlan(ruleset, category, cells, settings.autoFix, (issue) =>
          report.add(0, issue.column, issue.rule, issue.severity, issue.message, issue.value),
        );
        processor = new RowProcessor(plan, report, settings.autoFix, writer);
        processor.processHeader(cells, batch.hasUndecodable, record);
        headerRecord = batch.firstRecord + i;
        continue;
      }
      if (++rowsSinceAbortCheck >= ABORT_CHECK_EVERY_ROWS) {
        rowsSinceAbortCheck = 0;
        throwIfAborted(signal);
      }
      rowsRead = batch.firstRecord + i - headerRecord;
      processor.process(cells, rowsRead, batch.hasUndecodable, quoteProblems?.get(i), record);
    }
    if (writer) await writer.flush();
    await progress(batch.bytesRead, false);
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
      throwIfAborted(signal);
    }
  }

  if (processor) processor.finish();
  else report.add(0, null, 'empty_file', 'error', 'the file is empty: there is no header and no data', null);
  if (writer) await writer.end();
  await progress(reader.totalBytesRead, true);

  return report.build({
    marketplace: ruleset.marketplace,
    category: settings.category,
    ruleset: ruleset.name,
    rowsTotal: processor?.rowsTotal ?? 0,
    rowsInvalid: processor?.rowsInvalid ?? 0,
    input: { encoding: reader.encoding, delimiter: reader.dialect?.delimiter ?? ',', bytes: reader.totalBytesRead },
  });
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ValidationAbortedError(signal.reason);
}

function quoteProblemsByRow(batch: RecordBatch): Map<number, QuoteProblem['kind']> | null {
  if (!batch.quoteProblems) return null;
  return new Map(batch.quoteProblems.map((problem) => [problem.rowIndex, problem.kind]));
}
