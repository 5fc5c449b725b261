import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { LocalDiskStorage } from '../local/local-disk-storage';
import { storeUpload } from './store-upload';

// A multipart part that is cut off can fail before storeUpload has even started piping it
// (while the target is being checked). Such a source must fail the upload, not hang it.
describe('storeUpload with a source that fails early', () => {
  let root: string;
  let storage: LocalDiskStorage;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'vh-store-upload-'));
    storage = new LocalDiskStorage(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('rejects with the source error when the source fails during the existence check', async () => {
    const source = new PassThrough();
    source.on('error', () => undefined);
    source.write('sku\n1\n');
    const stored = storeUpload(storage, source, { targetUri: 'uploads/a.csv', maxBytes: 1024 });
    source.destroy(new Error('Part terminated early due to unexpected end of multipart data'));
    await expect(stored).rejects.toThrow(/terminated early/);
    expect(await readdir(root, { recursive: true })).not.toContain(join('uploads', 'a.csv'));
  });

  it('rejects when the source is closed without an error before it ended', async () => {
    const source = new PassThrough();
    source.destroy();
    await expect(storeUpload(storage, source, { targetUri: 'uploads/b.csv', maxBytes: 1024 })).rejects.toThrow(/closed before it ended/);
    expect(await storage.exists('uploads/b.csv')).toBe(false);
  });

  it('rejects when the source fails mid-stream, leaving nothing', async () => {
    const source = new PassThrough();
    const stored = storeUpload(storage, source, { targetUri: 'uploads/c.csv', maxBytes: 1024 * 1024 });
    source.write('x'.repeat(1000));
    setTimeout(() => source.destroy(new Error('client went away')), 20);
    await expect(stored).rejects.toThrow(/client went away/);
    expect(await storage.exists('uploads/c.csv')).toBe(false);
  });

  it('still stores a source that ends normally', async () => {
    const source = new PassThrough();
    const stored = storeUpload(storage, source, { targetUri: 'uploads/d.csv', maxBytes: 1024 });
    source.end('sku\n1\n');
    await expect(stored).resolves.toMatchObject({ uri: 'uploads/d.csv', size: 6 });
  });
});
