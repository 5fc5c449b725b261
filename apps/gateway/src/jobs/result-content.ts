import {
  ObjectNotFoundError,
  OpenedObject,
  RESULT_FILES,
  type ResultPart,
  StorageAccessError,
  StorageUnavailableError,
  StorageUriError,
} from '@validahub/storage';
import { DependencyUnavailableError } from '../http/dependency-errors';
import { problems } from '../http/problem';

export type ResultContent =
  { kind: 'stream'; opened: OpenedObject; fileName: string; contentType: string; inline: boolean } | { kind: 'redirect'; url: string };

const BY_EXTENSION: Record<string, string> = Object.fromEntries(
  Object.values(RESULT_FILES).map(({ file, contentType }) => [file.split('.').pop(), contentType]),
);

/** The part's own type when one was asked for; else what storage says, else the extension's. */
export function contentTypeOf(opened: OpenedObject, uri: string, part?: ContentPart): string {
  if (part) return part in REPORT_PART_TYPES ? REPORT_PART_TYPES[part as ReportPart] : RESULT_FILES[part as ResultPart].contentType;
  return opened.contentType ?? BY_EXTENSION[uri.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

/**
 * Storage failures on the request path, told without the backend's own text (which can name
 * buckets, policies, account ids): a gone result or one outside the caller's storage -> 404,
 * backend down or refusing us -> 503; others propagate.
 */
export async function viaStorage<T>(operation: () => Promise<T>, jobId: string): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ObjectNotFoundError || error instanceof StorageUriError) {
      throw problems.notFound(`The stored result of job ${jobId} no longer exists.`);
    }
    if (error instanceof StorageUnavailableError || error instanceof StorageAccessError)
      throw new DependencyUnavailableError('storage', { cause: error });
    throw error;
  }
}

/**
 * Which artefact of a CSV job to download: `report` (JSON), `corrected` (CSV), `issues_csv`
 * (the issues as a spreadsheet-safe CSV), `report_html` (the report as a page). Absent: `result_ref`.
 */
export type { ResultPart };
/** generate_report_job's formats (contract: `?part=html|csv|json`), found as `<part>_ref` in its summary. */
export type ReportPart = 'html' | 'csv' | 'json';
export type ContentPart = ResultPart | ReportPart;
const REPORT_PART_TYPES: Record<ReportPart, string> = {
  html: RESULT_FILES.report_html.contentType,
  csv: RESULT_FILES.report_csv.contentType,
  json: RESULT_FILES.report.contentType,
};
export const RESULT_PARTS: readonly ContentPart[] = ['report', 'corrected', 'issues_csv', 'report_html', 'html', 'csv', 'json'];

export function parseResultPart(raw: unknown): ContentPart | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (RESULT_PARTS as readonly string[]).includes(raw)) return raw as ContentPart;
  throw problems.validation([{ field: 'part', message: `must be one of: ${RESULT_PARTS.join(', ')}` }], 'Invalid query parameter part.');
}

const MISSING_WHY: Partial<Record<ContentPart, string>> = {
  corrected: ' (only correct_csv_job, or validate_csv_job with auto_fix, writes one)',
  html: ' (generate_report_job stores the formats its params asked for)',
  csv: ' (generate_report_job stores the formats its params asked for)',
  json: ' (generate_report_job stores the formats its params asked for)',
  issues_csv: ' (CSV jobs store one beside their report)',
  report_html: ' (CSV jobs store one beside their report)',
};

/**
 * The URI of the requested artefact. CSV jobs put each in their summary (`report_ref`,
 * `corrected_ref`, `issues_csv_ref`, `report_html_ref`), written by the attempt Postgres
 * recorded as the outcome; a job without them has only `result_ref`, which serves as its
 * report when it names a JSON object.
 */
export function resultUriFor(job: { id: string; resultRef: string | null; summary: Record<string, unknown> | null }, part?: ContentPart): string {
  if (!part) {
    if (!job.resultRef) throw problems.notFound(`Job ${job.id} succeeded without a stored result.`);
    return job.resultRef;
  }
  const fromSummary = job.summary?.[`${part}_ref`];
  if (typeof fromSummary === 'string' && fromSummary !== '') return fromSummary;
  if (part === 'report' && job.resultRef?.endsWith('.json')) return job.resultRef;
  throw problems.notFound(`Job ${job.id} has no ${part} result${MISSING_WHY[part] ?? ''}.`);
}

/** The download's file name: the job id and the stored file's own name (`<id>-corrected.csv`). */
export function downloadName(jobId: string, uri: string): string {
  const file = uri.split('/').pop() ?? '';
  return file.startsWith(jobId) ? file : `${jobId}-${file}`;
}
