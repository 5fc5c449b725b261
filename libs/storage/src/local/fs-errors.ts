import { isAbortError, ObjectNotFoundError, StorageAccessError, StorageError, StorageUnavailableError } from '../errors';

const MISSING = new Set(['ENOENT', 'ENOTDIR', 'EISDIR']);
const TRANSIENT = new Set(['EMFILE', 'ENFILE', 'ENOSPC', 'EDQUOT', 'EIO', 'EAGAIN', 'EBUSY', 'ETIMEDOUT', 'EINTR', 'ESTALE']);

export type FsOperation = 'read' | 'write' | 'delete' | 'ping';

/**
 * Maps a file-system error to a StorageError. Errors that are not errno errors (bugs,
 * aborts, errors already classified) pass through unchanged so their type survives.
 */
export function classifyFsError(error: unknown, operation: FsOperation, uri: string): unknown {
  if (error instanceof StorageError || isAbortError(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return error;
  const options = { cause: error, uri };
  if (MISSING.has(code) && operation === 'read') {
    return new ObjectNotFoundError(`no file at ${JSON.stringify(uri)}${code === 'EISDIR' ? ' (it is a directory)' : ''}`, options);
  }
  if (TRANSIENT.has(code)) return new StorageUnavailableError(`local storage ${operation} failed for ${JSON.stringify(uri)}: ${code}`, options);
  return new StorageAccessError(`local storage ${operation} refused for ${JSON.stringify(uri)}: ${code}`, options);
}
