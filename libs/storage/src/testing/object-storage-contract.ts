// Behaviour every ObjectStorage backend must show; run by each backend's integration spec.
import { Readable } from 'node:stream';
import { isTransientStorageError, ObjectNotFoundError, StorageAccessError, StorageUriError, UploadTooLargeError } from '../errors';
import type { ObjectStorage } from '../object-storage';
import { storeUpload } from '../uploads/store-upload';
import { chunkedStream, countingStream, failingStream, randomData, readAll, rejectionOf, sha256 } from './test-data';

export interface ContractSubject {
  storage: ObjectStorage;
  /** A URI for `name` in this backend's test namespace. */
  uri(name: string): string;
  /** Everything stored under the namespace prefix (temp files and pending parts included where visible). */
  listStored(prefix: string): Promise<string[]>;
  /** A URI this backend must refuse on its own (outside its root or allowed buckets). */
  forbiddenUri: string;
}

const MIB = 1024 * 1024;

export function describeObjectStorageContract(subject: () => ContractSubject): void {
  let s: ContractSubject;
  beforeAll(() => {
    s = subject();
  });

  it('writes a string and reads it back with its metadata', async () => {
    const uri = s.uri('basic/hello.csv');
    const written = await s.storage.write(uri, 'sku,price\nA1,10\n', { contentType: 'text/csv' });
    expect(written).toEqual({ uri, size: 16, sha256: sha256('sku,price\nA1,10\n') });

    const opened = await s.storage.openRead(uri);
    expect(opened.size).toBe(16);
    expect((await readAll(opened.stream)).toString()).toBe('sku,price\nA1,10\n');
    const head = await s.storage.head(uri);
    expect(head).toMatchObject({ size: 16, contentType: 'text/csv' });
    expect(Math.abs(Date.now() - (head?.lastModified?.getTime() ?? 0))).toBeLessThan(5 * 60_000);
    expect(await s.storage.exists(uri)).toBe(true);
  });

  it('replaces an object on rewrite and deletes it', async () => {
    const uri = s.uri('basic/replace.json');
    await s.storage.write(uri, Buffer.from('{"v":1}'));
    await s.storage.write(uri, Buffer.from('{"v":22}'));
    expect((await readAll((await s.storage.openRead(uri)).stream)).toString()).toBe('{"v":22}');
    await s.storage.delete(uri);
    expect(await s.storage.exists(uri)).toBe(false);
    expect(await s.storage.head(uri)).toBeNull();
    await expect(s.storage.delete(uri)).resolves.toBeUndefined();
  });

  it('streams a multi-megabyte body in and out', async () => {
    const data = randomData(6 * MIB + 123);
    const uri = s.uri('stream/six-mb.bin');
    const written = await s.storage.write(uri, chunkedStream(data));
    expect(written.size).toBe(data.length);
    expect(written.sha256).toBe(sha256(data));
    const opened = await s.storage.openRead(uri);
    expect(opened.size).toBe(data.length);
    expect(sha256(await readAll(opened.stream))).toBe(sha256(data));
  });

  it('reports a missing object as ObjectNotFoundError (input_not_found, permanent)', async () => {
    const error = await rejectionOf(s.storage.openRead(s.uri('missing/nothing.csv')));
    expect(error).toBeInstanceOf(ObjectNotFoundError);
    expect(error).toMatchObject({ code: 'input_not_found', retryable: false, uri: s.uri('missing/nothing.csv') });
    expect(isTransientStorageError(error)).toBe(false);
    expect(await s.storage.head(s.uri('missing/nothing.csv'))).toBeNull();
    expect(await s.storage.exists(s.uri('missing/nothing.csv'))).toBe(false);
  });

  it('refuses a forbidden URI itself, whatever the caller checked', async () => {
    for (const attempt of [
      s.storage.openRead(s.forbiddenUri),
      s.storage.write(s.forbiddenUri, 'x'),
      s.storage.head(s.forbiddenUri),
      s.storage.delete(s.forbiddenUri),
      s.storage.presignGet(s.forbiddenUri, 60),
    ]) {
      expect(await rejectionOf(attempt)).toBeInstanceOf(StorageUriError);
    }
  });

  it('aborts a read when its signal fires', async () => {
    const uri = s.uri('abort/read.bin');
    await s.storage.write(uri, randomData(2 * MIB));
    const controller = new AbortController();
    const opened = await s.storage.openRead(uri, { signal: controller.signal });
    controller.abort();
    expect((await rejectionOf(readAll(opened.stream))).name).toBe('AbortError');
  });

  it('leaves nothing behind when a write is aborted or its source fails', async () => {
    const controller = new AbortController();
    const slow = countingStream(64 * MIB);
    setTimeout(() => controller.abort(), 20);
    const aborted = await rejectionOf(s.storage.write(s.uri('failed/aborted.bin'), slow.stream, { signal: controller.signal }));
    expect(aborted.name).toBe('AbortError');

    const clientGone = Object.assign(new Error('client went away'), { code: 'ECONNRESET' });
    const broken = await rejectionOf(s.storage.write(s.uri('failed/broken.bin'), failingStream(3 * MIB, clientGone)));
    expect(broken).toBe(clientGone);
    expect(await s.storage.exists(s.uri('failed/aborted.bin'))).toBe(false);
    expect(await s.storage.exists(s.uri('failed/broken.bin'))).toBe(false);
    expect(await s.listStored('failed/')).toEqual([]);
  });

  describe('storeUpload', () => {
    it('stores an upload under the limit with its size and sha256', async () => {
      const data = randomData(MIB + 7);
      const uri = s.uri('uploads/ok.csv');
      const stored = await storeUpload(s.storage, chunkedStream(data), { targetUri: uri, maxBytes: 2 * MIB });
      expect(stored).toEqual({ uri, size: data.length, sha256: sha256(data) });
      expect(sha256(await readAll((await s.storage.openRead(uri)).stream))).toBe(sha256(data));
    });

    it('accepts an upload of exactly maxBytes', async () => {
      const data = randomData(256 * 1024);
      const stored = await storeUpload(s.storage, chunkedStream(data, 1000), { targetUri: s.uri('uploads/exact.csv'), maxBytes: data.length });
      expect(stored.size).toBe(data.length);
    });

    it('stops at the limit with UploadTooLargeError, keeps nothing and leaves the source to the caller', async () => {
      const limit = MIB;
      const source = countingStream(64 * MIB);
      const uri = s.uri('uploads/too-large.csv');
      const error = await rejectionOf(storeUpload(s.storage, source.stream, { targetUri: uri, maxBytes: limit }));
      expect(error).toBeInstanceOf(UploadTooLargeError);
      expect(error).toMatchObject({ code: 'upload_too_large', retryable: false, limitBytes: limit });
      expect(source.pulled()).toBeLessThan(limit + 4 * MIB);
      expect(source.stream.destroyed).toBe(false);
      expect(source.stream.readableFlowing).toBe(false);
      expect(await s.storage.exists(uri)).toBe(false);
      expect((await s.listStored('uploads/')).filter((key) => key.includes('too-large'))).toEqual([]);
    });

    it('refuses a declared size over the limit before reading anything', async () => {
      const source = countingStream(10 * MIB);
      const error = await rejectionOf(
        storeUpload(s.storage, source.stream, { targetUri: s.uri('uploads/declared.csv'), maxBytes: MIB, declaredBytes: 10 * MIB }),
      );
      expect(error).toBeInstanceOf(UploadTooLargeError);
      expect(source.pulled()).toBe(0);
    });

    it('passes on a failing client stream and keeps nothing', async () => {
      const uri = s.uri('uploads/broken.csv');
      const error = await rejectionOf(
        storeUpload(s.storage, failingStream(MIB, new Error('reset by client')), { targetUri: uri, maxBytes: 8 * MIB }),
      );
      expect(error.message).toBe('reset by client');
      expect(await s.storage.exists(uri)).toBe(false);
    });

    it('refuses to overwrite an existing object', async () => {
      const uri = s.uri('uploads/taken.csv');
      await s.storage.write(uri, 'first');
      const error = await rejectionOf(storeUpload(s.storage, Readable.from([Buffer.from('second')]), { targetUri: uri, maxBytes: MIB }));
      expect(error).toBeInstanceOf(StorageAccessError);
      expect((await readAll((await s.storage.openRead(uri)).stream)).toString()).toBe('first');
    });
  });
}
