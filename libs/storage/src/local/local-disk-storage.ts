import { randomUUID } from 'node:crypto';
import { constants, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { addAbortSignal } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { StorageUriError } from '../errors';
import type { ObjectHead, ObjectStorage, OpenedObject, OpenReadOptions, WriteBody, WriteOptions, WrittenObject } from '../object-storage';
import { toReadable, withMappedErrors } from '../streams/body-stream';
import { DigestStream } from '../streams/digest-stream';
import { parseStorageUri } from '../uri/parse-storage-uri';
import type { LocalLocation } from '../uri/storage-location';
import { classifyFsError } from './fs-errors';

const CONTENT_TYPES: Record<string, string> = { '.csv': 'text/csv', '.json': 'application/json', '.txt': 'text/plain' };

/**
 * Objects as files under one root folder. Writes go to a hidden temp file beside the
 * target and are renamed into place, so readers never see a partial file and a failed
 * write leaves nothing. Content types are not stored; head() guesses them from the extension.
 */
export class LocalDiskStorage implements ObjectStorage {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Checks the URI again (defence in depth) and refuses anything that is not a confined local path. */
  locate(uri: string): LocalLocation {
    const location = parseStorageUri(uri, { localRoot: this.root, allowS3: false });
    if (location.kind !== 'local') throw new StorageUriError('wrong_backend', `${JSON.stringify(uri)} is not a local path`, { uri });
    return location;
  }

  async openRead(uri: string, options: OpenReadOptions = {}): Promise<OpenedObject> {
    const { absolutePath } = this.locate(uri);
    options.signal?.throwIfAborted();
    try {
      // O_NOFOLLOW: a symlink swapped in after the check above is refused, not followed;
      // O_NONBLOCK: a FIFO planted at the path cannot hang the open.
      const handle = await open(absolutePath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
      const info = await handle.stat().catch(async (error) => {
        await handle.close();
        throw error;
      });
      if (!info.isFile()) {
        await handle.close();
        throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
      }
      const file = handle.createReadStream();
      const stream = withMappedErrors(file, (error) => classifyFsError(error, 'read', uri) as Error);
      if (options.signal) addAbortSignal(options.signal, stream);
      return { stream, size: info.size, contentType: guessContentType(absolutePath) };
    } catch (error) {
      throw classifyFsError(error, 'read', uri);
    }
  }

  async write(uri: string, body: WriteBody, options: WriteOptions = {}): Promise<WrittenObject> {
    const location = this.locate(uri);
    const source = toReadable(body);
    const digest = new DigestStream();
    const temp = join(dirname(location.absolutePath), `.${basename(location.absolutePath)}.${randomUUID()}.partial`);
    // An error of the body (a client gone, a size limit, an abort) is passed on as it is;
    // the disk's own errors are classified. Whichever side fails first is the cause:
    // pipeline then re-emits that error on the other streams.
    let bodyError: unknown;
    let diskError: unknown;
    const onBodyError = (error: unknown) => {
      if (diskError === undefined) bodyError ??= error;
    };
    source.once('error', onBodyError);
    digest.once('error', onBodyError);
    try {
      options.signal?.throwIfAborted();
      await mkdir(dirname(location.absolutePath), { recursive: true });
      const file = createWriteStream(temp, { flags: 'wx' });
      file.once('error', (error) => {
        if (bodyError === undefined) diskError ??= error;
      });
      await pipeline(source, digest, file, { signal: options.signal });
      await rename(temp, location.absolutePath);
    } catch (error) {
      source.destroy();
      await rm(temp, { force: true }).catch(() => undefined);
      throw bodyError ?? classifyFsError(error, 'write', uri);
    } finally {
      source.off('error', onBodyError);
    }
    return { uri: location.relativePath, size: digest.byteCount, sha256: digest.sha256() };
  }

  async head(uri: string): Promise<ObjectHead | null> {
    const { absolutePath } = this.locate(uri);
    try {
      const info = await stat(absolutePath);
      if (!info.isFile()) return null;
      return { size: info.size, lastModified: info.mtime, contentType: guessContentType(absolutePath) };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw classifyFsError(error, 'read', uri);
    }
  }

  async exists(uri: string): Promise<boolean> {
    return (await this.head(uri)) !== null;
  }

  async delete(uri: string): Promise<void> {
    const { absolutePath } = this.locate(uri);
    try {
      await unlink(absolutePath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      throw classifyFsError(error, 'delete', uri);
    }
  }

  async presignGet(uri: string, _expiresSeconds: number): Promise<string | null> {
    this.locate(uri);
    return null;
  }

  /** Ready when the root exists (created if needed) and a file can be written in it. */
  async ping(): Promise<void> {
    const probe = join(this.root, `.health-${randomUUID()}`);
    try {
      await mkdir(this.root, { recursive: true });
      await writeFile(probe, 'ok', { flag: 'wx' });
      await unlink(probe);
    } catch (error) {
      await rm(probe, { force: true }).catch(() => undefined);
      throw classifyFsError(error, 'ping', 'local storage root');
    }
  }
}

function guessContentType(path: string): string | undefined {
  return CONTENT_TYPES[extname(path).toLowerCase()];
}
