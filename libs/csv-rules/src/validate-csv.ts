import type { Readable } from 'node:stream';
import { BatchWalker } from './engine/batch-walker';
import { reportUnknownCategory } from './engine/start-rows';
import { findCategory } from './engine/validation-plan';
import { ValidationAbortedError } from './errors';
import { resolveOptions, type ResolvedOptions, type ValidateCsvOptions, type ValidationProgress } from './options';
import { CorrectedCsvWriter } from './output/corrected-writer';
import { OutputLimit } from './output/output-limit';
import { CsvRecordReader } from './parsing/record-reader';
import { ReportBuilder } from './report/report-builder';
import type { ValidationReport } from './report/report-types';

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
    ? new CorrectedCsvWriter(
        settings.correctedOutput,
        signal,
        settings.correctedOutputBom,
        new OutputLimit(settings.maxCorrectedBytes, settings.totalBytes),
      )
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
  if (settings.category !== null && category === null) reportUnknownCategory(report, ruleset, settings.category);
  const walker = new BatchWalker(
    {
      ruleset,
      category,
      autoFix: settings.autoFix,
      maxColumns: settings.maxColumns,
      maxUniqueIndexBytes: settings.maxUniqueIndexBytes,
      report,
      writer,
    },
    writer,
    signal,
  );
  let lastYield = Date.now();

  const progress = async (bytesRead: number, done: boolean): Promise<void> => {
    if (!settings.onProgress) return;
    const { totalBytes } = settings;
    const fraction = totalBytes ? Math.min(1, bytesRead / totalBytes) : totalBytes === 0 ? 1 : null;
    const update: ValidationProgress = { rowsRead: walker.rowsRead, bytesRead, totalBytes, fraction, done };
    await settings.onProgress(update);
  };

  for await (const batch of reader.batches()) {
    throwIfAborted(signal);
    walker.begin(batch, reader.dialect);
    for (let next = 0; next < batch.rows.length;) {
      next = walker.walk(batch, next);
      if (writer) await writer.flush(batch.bytesRead);
    }
    // Leaving the loop ends the read: the input is destroyed, the rest of the file is not read.
    if (walker.refused) break;
    await progress(batch.bytesRead, false);
    if (Date.now() - lastYield >= YIELD_EVERY_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastYield = Date.now();
      throwIfAborted(signal);
    }
  }

  const processor = walker.processor;
  if (processor) {
    processor.finish();
  } else if (!walker.refused) {
    report.at(0, null);
    report.add(null, 'empty_file', 'error', 'the file is empty: there is no header and no data', null);
  }
  if (writer) await writer.end(reader.totalBytesRead);
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
