import { ObjectNotFoundError, OpenedObject, StorageUnavailableError } from '@validahub/storage';
import { DependencyUnavailableError } from '../http/dependency-errors';
import { problems } from '../http/problem';

export type ResultContent =
  | { kind: 'stream'; opened: OpenedObject; fileName: string }
  | { kind: 'redirect'; url: string };

const CONTENT_TYPES: Record<string, string> = { json: 'application/json', csv: 'text/csv; charset=utf-8' };

export function contentTypeOf(content: { opened: OpenedObject; fileName: string }): string {
  return content.opened.contentType ?? CONTENT_TYPES[content.fileName.split('.').pop() ?? ''] ?? 'application/octet-stream';
}

/** Storage failures on the request path: gone result -> 404, backend down -> 503; others propagate. */
export async function viaStorage<T>(operation: () => Promise<T>, jobId: string): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof ObjectNotFoundError) throw problems.notFound(`The stored result of job ${jobId} no longer exists.`);
    if (error instanceof StorageUnavailableError) throw new DependencyUnavailableError('storage', { cause: error });
    throw error;
  }
}
