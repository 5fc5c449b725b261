import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ObjectNotFoundError, StorageAccessError, StorageUriError } from '../errors';
import { describeObjectStorageContract } from '../testing/object-storage-contract';
import { readAll, rejectionOf } from '../testing/test-data';
import { LocalDiskStorage } from './local-disk-storage';

let base: string;
let root: string;
let outside: string;
let storage: LocalDiskStorage;

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => relative(root, join(entry.parentPath, entry.name)));
  } catch {
    return [];
  }
}

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vh-local-storage-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(root);
  mkdirSync(outside);
  symlinkSync(outside, join(root, 'escape'));
  storage = new LocalDiskStorage(root);
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('LocalDiskStorage (contract)', () => {
  describeObjectStorageContract(() => ({
    storage,
    uri: (name) => name,
    listStored: async (prefix) => listFiles(join(root, prefix)),
    forbiddenUri: 'escape/secret.csv',
  }));
});

describe('LocalDiskStorage', () => {
  it('cannot presign', async () => {
    await storage.write('presign/a.csv', 'a');
    expect(await storage.presignGet('presign/a.csv', 60)).toBeNull();
  });

  it('accepts file:// URIs inside the root and answers with the canonical relative URI', async () => {
    const written = await storage.write(`file://${root}/canonical/a%20b.csv`, 'x');
    expect(written.uri).toBe('canonical/a b.csv');
    expect(await storage.exists('canonical/a b.csv')).toBe(true);
  });

  it('writes nothing through a symlink that points out of the root', async () => {
    const error = await rejectionOf(storage.write('escape/planted.csv', 'evil'));
    expect(error).toBeInstanceOf(StorageUriError);
    expect((error as StorageUriError).reason).toBe('symlink_escape');
    expect(readdirSync(outside)).toEqual([]);
  });

  it('leaves no temp file beside a written object', async () => {
    await storage.write('tidy/out.json', '{}');
    expect(listFiles(join(root, 'tidy'))).toEqual(['tidy/out.json']);
  });

  it('treats a directory as no object', async () => {
    mkdirSync(join(root, 'a-directory'), { recursive: true });
    expect(await rejectionOf(storage.openRead('a-directory'))).toBeInstanceOf(ObjectNotFoundError);
    expect(await storage.head('a-directory')).toBeNull();
  });

  it('creates a missing root on first write and reads the file back', async () => {
    const fresh = new LocalDiskStorage(join(base, 'fresh', 'root'));
    await fresh.ping();
    await fresh.write('deep/er/file.csv', 'sku\n');
    expect((await readAll((await fresh.openRead('deep/er/file.csv')).stream)).toString()).toBe('sku\n');
  });

  it('fails ping with a permanent error when the root cannot be a folder', async () => {
    writeFileSync(join(base, 'root-is-a-file'), 'x');
    const broken = new LocalDiskStorage(join(base, 'root-is-a-file'));
    const error = await rejectionOf(broken.ping());
    expect(error).toBeInstanceOf(StorageAccessError);
    expect(error.message).not.toContain(base);
  });
});
