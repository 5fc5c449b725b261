import { PassThrough } from 'node:stream';
import { validateCsv } from '@validahub/csv-rules';
import { type ObjectStorage, resultLocation } from '@validahub/storage';
import type { TaskDeps } from '../task';
import { TaskContext, TaskResult } from '../task-handler';
import type { CsvJobParams } from './csv-job-params';
import { toCsvJobError } from './csv-job-errors';
import { progressReporter } from './csv-progress';

export interface CsvJobDeps {
  storage: ObjectStorage;
  /** Where results go (config.storage.resultsUri). */
  resultsUri: string;
  /** Cap on detailed issues kept in a report (counts stay exact). */
  maxIssues?: number;
  /** Builds a result URI; injected so this file does not care how storage names results. */
  resultLocation(resultsUri: string, jobId: string, kind: 'json' | 'csv'): string;
}

/** The CSV runner's view of a worker's dependencies. */
export function csvJobDeps(deps: TaskDeps): CsvJobDeps {
  return { storage: deps.storage, resultsUri: deps.resultsUri, maxIssues: deps.maxIssues, resultLocation };
}

export interface CsvJobOutcome {
  reportUri: string;
  correctedUri: string | null;
  summary: Record<string, unknown>;
}

/**
 * Streams the input through the engine; with auto-fix, the corrected CSV is streamed into
 * storage while it is produced (never held in memory), then the report is stored as JSON.
 */
export async function runCsvJob(ctx: TaskContext<CsvJobParams>, deps: CsvJobDeps, autoFix: boolean): Promise<CsvJobOutcome> {
  const { params, signal, jobId } = ctx;
  try {
    const input = await deps.storage.openRead(params.input_uri, { signal });
    ctx.logger.info({ inputUri: params.input_uri, size: input.size ?? null, autoFix }, 'csv job: input opened');

    const corrected = autoFix ? new PassThrough() : undefined;
    const correctedUpload = corrected
      ? deps.storage.write(deps.resultLocation(deps.resultsUri, jobId, 'csv'), corrected, { contentType: 'text/csv; charset=utf-8', signal })
      : null;
    // When the upload fails first (storage down), the engine only sees its output destroyed:
    // remember the upload's own error, which says what really happened.
    let uploadError: unknown = null;
    correctedUpload?.catch((error) => (uploadError = error));

    let report;
    try {
      report = await validateCsv(input.stream, {
        marketplace: params.marketplace,
        category: params.category,
        ruleset: params.ruleset,
        autoFix,
        signal,
        totalBytes: input.size,
        correctedOutput: corrected,
        maxIssues: deps.maxIssues,
        onProgress: progressReporter(ctx),
      });
    } catch (error) {
      corrected?.destroy();
      input.stream.destroy();
      throw uploadError ?? error;
    }
    if (corrected && !corrected.writableEnded) corrected.end();
    const correctedUri = correctedUpload ? (await correctedUpload).uri : null;

    const reportBody = JSON.stringify(report);
    const written = await deps.storage.write(deps.resultLocation(deps.resultsUri, jobId, 'json'), reportBody, {
      contentType: 'application/json',
      signal,
    });
    ctx.reportProgress(100, `Validated ${report.summary.rows_total} rows`);
    return { reportUri: written.uri, correctedUri, summary: { ...report.summary } };
  } catch (error) {
    throw toCsvJobError(error, params.input_uri, signal);
  }
}

/** The engine's summary plus where both artefacts went, so either is findable from the job record. */
export function csvTaskResult(outcome: CsvJobOutcome, ref: 'report' | 'corrected'): TaskResult {
  const summary = { ...outcome.summary, report_ref: outcome.reportUri, corrected_ref: outcome.correctedUri };
  return { resultRef: ref === 'corrected' && outcome.correctedUri ? outcome.correctedUri : outcome.reportUri, summary };
}
