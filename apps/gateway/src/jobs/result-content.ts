import { ObjectNotFoundError, OpenedObject, StorageAccessError, StorageUnavailableError, StorageUriError } from '@validahub/storage';
import { DependencyUnavailableError } from '../http/dependency-errors';
import { problems } from '../http/problem';

export type ResultContent = { kind: 'stream'; opened: OpenedObject; fileName: string } | { kind: 'redirect'; url: string };

const CONTENT_TYPES: Record<string, string> = { json: 'application/json', csv: 'text/csv; charset=utf-8' };

export function contentTypeOf(content: { opened: OpenedObject; fileName: string }): string {
  return content.opened.contentType ?? CONTENT_TYPES[content.fileName.split('.').pop() ?? ''] ?? 'application/octet-stream';
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

/** Which artefact of a CSV job to download: `report` (JSON) or `corrected` (CSV). Absent: `result_ref`. */
export type ResultPart = 'report' | 'corrected';
export const RESULT_PARTS: readonly ResultPart[] = ['report', 'corrected'];

export function parseResultPart(raw: unknown): ResultPart | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw === 'string' && (RESULT_PARTS as readonly string[]).includes(raw)) return raw as ResultPart;
  throw problems.validation([{ field: 'part', message: `must be one of: ${RESULT_PARTS.join(', ')}` }], 'Invalid query parameter part.');
}

/**
 * The URI of the requested artefact. CSV jobs put both in their summary (`report_ref`,
 * `corrected_ref`); a job without them has only `result_ref`, which serves as its report
 * when it names a JSON object.
 */
export function resultUriFor(job: { id: string; resultRef: string | null; summary: Record<string, unknown> | null }, part?: ResultPart): string {
  if (!part) {
    if (!job.resultRef) throw problems.notFound(`Job ${job.id} succeeded without a stored result.`);
    return job.resultRef;
  }
  const fromSummary = job.summary?.[`${part}_ref`];
  if (typeof fromSummary === 'string' && fromSummary !== '') return fromSummary;
  if (part === 'report' && job.resultRef?.endsWith('.json')) return job.resultRef;
  const why = part === 'corrected' ? ' (only correct_csv_job, or validate_csv_job with auto_fix, writes one)' : '';
  throw problems.notFound(`Job ${job.id} has no ${part} result${why}.`);
}
