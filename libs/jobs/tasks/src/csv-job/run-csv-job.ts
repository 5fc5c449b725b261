import { PassThrough } from 'node:stream';
import { validateCsv } from '@validahub/csv-rules';
import { type ObjectStorage, RESULT_FILES, resultLocation, type ResultPart, type ResultRun } from '@validahub/storage';
import type { TaskDeps } from '../task';
import { TaskContext, TaskResult } from '../task-handler';
import type { CsvJobParams } from './csv-job-params';
import { toCsvJobError } from './csv-job-errors';
import { progressReporter } from './csv-progress';
import { ReportParts, storeReport } from './store-report';

export interface CsvJobDeps {
  storage: ObjectStorage;
  /** Where results go (config.storage.resultsUri). */
  resultsUri: string;
  /** Cap on detailed issues kept in a report (counts stay exact). */
  maxIssues?: number;
  /** Widest header accepted; the engine's default when absent. */
  maxColumns?: number;
  /** Builds a result URI; injected so this file does not care how storage names results. */
  resultLocation(resultsUri: string, run: ResultRun, part: ResultPart): string;
}

/** The CSV runner's view of a worker's dependencies. */
export function csvJobDeps(deps: TaskDeps): CsvJobDeps {
  return { storage: deps.storage, resultsUri: deps.resultsUri, maxIssues: deps.maxIssues, maxColumns: deps.maxColumns, resultLocation };
}

export interface CsvJobOutcome extends ReportParts {
  correctedUri: string | null;
  summary: Record<string, unknown>;
  /** Exact counts per rule and per column: kept on the job, so reports never re-read old files. */
  byRule: Record<string, number>;
  byColumn: Record<string, number>;
}

/** Columns kept in a job's summary, most issues first: a feed may have thousands of columns. */
export const SUMMARY_COLUMNS = 50;

/**
 * Streams the input through the engine; with auto-fix, the corrected CSV is streamed into
 * storage while it is produced (never held in memory, and capped by the engine at
 * max(2 x input, input + 64 MiB)), then the report is stored as JSON with its renderings.
 * Everything goes under this run's own keys (job, attempt, run).
 */
export async function runCsvJob(ctx: TaskContext<CsvJobParams>, deps: CsvJobDeps, autoFix: boolean): Promise<CsvJobOutcome> {
  const { params, signal } = ctx;
  const run: ResultRun = { jobId: ctx.jobId, attempt: ctx.attempt, runId: ctx.runId };
  const locate = (part: ResultPart) => deps.resultLocation(deps.resultsUri, run, part);
  try {
    const input = await deps.storage.openRead(params.input_uri, { signal });
    ctx.logger.info({ inputUri: params.input_uri, size: input.size ?? null, autoFix }, 'csv job: input opened');

    const corrected = autoFix ? new PassThrough() : undefined;
    const correctedUpload = corrected
      ? deps.storage.write(locate('corrected'), corrected, { contentType: RESULT_FILES.corrected.contentType, signal })
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
        // Also what the engine's default output cap is derived from.
        totalBytes: input.size,
        correctedOutput: corrected,
        maxIssues: deps.maxIssues,
        maxColumns: deps.maxColumns,
        onProgress: progressReporter(ctx),
      });
    } catch (error) {
      corrected?.destroy();
      input.stream.destroy();
      throw uploadError ?? error;
    }
    if (corrected && !corrected.writableEnded) corrected.end();
    const correctedUri = correctedUpload ? (await correctedUpload).uri : null;

    const parts = await storeReport(deps.storage, report, { locate, signal, title: fileNameOf(params.input_uri) });
    ctx.reportProgress(100, `Validated ${report.summary.rows_total} rows`);
    return { ...parts, correctedUri, summary: { ...report.summary }, byRule: report.by_rule, byColumn: report.by_column };
  } catch (error) {
    throw toCsvJobError(error, params.input_uri, signal);
  }
}

/** The page title of the HTML report: the input's file name, not its whole (storage-specific) URI. */
function fileNameOf(uri: string): string {
  return uri.split(/[/\\]/).filter(Boolean).pop() ?? uri;
}

/** The engine's summary plus where every artefact went, so each is findable from the job record. */
export function csvTaskResult(outcome: CsvJobOutcome, ref: 'report' | 'corrected'): TaskResult {
  const summary = {
    ...outcome.summary,
    report_ref: outcome.reportUri,
    corrected_ref: outcome.correctedUri,
    issues_csv_ref: outcome.issuesCsvUri,
    report_html_ref: outcome.reportHtmlUri,
    // The names workflow steps refer to (`${steps.<id>.output.corrected_uri}`): usable as a later input_uri.
    report_uri: outcome.reportUri,
    ...(outcome.correctedUri ? { corrected_uri: outcome.correctedUri } : {}),
    by_rule: outcome.byRule,
    by_column: topCounts(outcome.byColumn, SUMMARY_COLUMNS),
  };
  return { resultRef: ref === 'corrected' && outcome.correctedUri ? outcome.correctedUri : outcome.reportUri, summary };
}

/** The `limit` largest counts (ties by name), as an object. */
function topCounts(counts: Record<string, number>, limit: number): Record<string, number> {
  return Object.fromEntries(
    Object.entries(counts)
      .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1))
      .slice(0, limit),
  );
}
