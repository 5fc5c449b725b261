import { StorageUriError } from './errors';

/** The artefacts a job's attempt can store: the report and its renderings, the corrected CSV. */
export type ResultPart = 'report' | 'corrected' | 'issues_csv' | 'report_html' | 'report_csv';

/** File name and content type of each part, so writer and reader agree on both. */
export const RESULT_FILES: Readonly<Record<ResultPart, { file: string; contentType: string }>> = {
  report: { file: 'report.json', contentType: 'application/json' },
  corrected: { file: 'corrected.csv', contentType: 'text/csv; charset=utf-8' },
  issues_csv: { file: 'issues.csv', contentType: 'text/csv; charset=utf-8' },
  report_html: { file: 'report.html', contentType: 'text/html; charset=utf-8' },
  report_csv: { file: 'report.csv', contentType: 'text/csv; charset=utf-8' },
};

/** One run of one attempt of a job: what its results are filed under. */
export interface ResultRun {
  jobId: string;
  /** 1-based attempt number. */
  attempt: number;
  /** Random per run: two runs of the same attempt (a stalled job run again) never share a key. */
  runId: string;
}

const OBJECT_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/**
 * Where a part of a run's result goes: `<RESULTS_URI>/<job id>/attempt-<n>/<run id>/<file>`, e.g.
 * `s3://bucket/results/<id>/attempt-2/k3j9x0/report.json` or `results/<id>/attempt-1/…/corrected.csv`
 * (relative to the local root). Every attempt writes under its own key, so an older attempt
 * still running can never overwrite what a newer one stored; the job's `result_ref` names the
 * run Postgres recorded as the outcome. Only builds the URI; every storage call checks it again.
 */
export function resultLocation(resultsUri: string, run: ResultRun, part: ResultPart): string {
  assertObjectName(run.jobId, 'job id');
  assertObjectName(run.runId, 'run id');
  if (!Number.isSafeInteger(run.attempt) || run.attempt < 1) {
    throw new StorageUriError('invalid_object_name', `attempt must be a whole number of at least 1, got ${String(run.attempt)}`);
  }
  const file = Object.hasOwn(RESULT_FILES, part) ? RESULT_FILES[part].file : undefined;
  if (!file)
    throw new StorageUriError(
      'invalid_object_name',
      `result part must be one of ${Object.keys(RESULT_FILES).join(', ')}, got ${JSON.stringify(part)}`,
    );
  return `${trimPrefix(resultsUri)}/${run.jobId}/attempt-${run.attempt}/${run.runId}/${file}`;
}

export function assertObjectName(name: string, what: string): void {
  if (typeof name !== 'string' || !OBJECT_NAME.test(name)) {
    throw new StorageUriError('invalid_object_name', `${what} ${JSON.stringify(name)} is not a safe object name (letters, digits, - and _)`);
  }
}

/** A prefix URI without trailing slashes; refuses an empty one. */
export function trimPrefix(prefix: string): string {
  const trimmed = typeof prefix === 'string' ? prefix.replace(/\/+$/, '') : '';
  if (trimmed === '' || /^[a-z0-9+.-]+:\/?$/i.test(trimmed)) {
    throw new StorageUriError('empty', `storage prefix ${JSON.stringify(prefix)} is empty`);
  }
  return trimmed;
}
