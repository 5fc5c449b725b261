import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageUriError, type StorageUriErrorReason } from '../errors';
import { parseStorageUri } from './parse-storage-uri';
import { formatStorageLocation, type StorageUriPolicy } from './storage-location';

let base: string;
let root: string;
let realRoot: string;
let outside: string;
let policy: StorageUriPolicy;

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'vh-uri-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  mkdirSync(join(root, 'data'), { recursive: true });
  mkdirSync(outside);
  mkdirSync(`${root}-evil`);
  writeFileSync(join(root, 'data', 'in.csv'), 'sku\n1\n');
  writeFileSync(join(root, 'data', 'with space.csv'), 'sku\n');
  writeFileSync(join(outside, 'secret.csv'), 'secret\n');
  symlinkSync(outside, join(root, 'escape'));
  symlinkSync(join(outside, 'secret.csv'), join(root, 'escape-file.csv'));
  symlinkSync(join(root, 'data'), join(root, 'inner-link'));
  symlinkSync(join(base, 'nowhere', 'file.csv'), join(root, 'dangling'));
  symlinkSync(join(root, 'loop-b'), join(root, 'loop-a'));
  symlinkSync(join(root, 'loop-a'), join(root, 'loop-b'));
  symlinkSync(root, join(base, 'root-link'));
  realRoot = realpathSync(root);
  policy = { localRoot: root };
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

function refusal(input: string, options: StorageUriPolicy = policy): StorageUriError {
  try {
    parseStorageUri(input, options);
  } catch (error) {
    if (error instanceof StorageUriError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseStorageUri: accepted local paths', () => {
  it.each([
    ['data/in.csv', 'data/in.csv'],
    ['./data/in.csv', 'data/in.csv'],
    ['data//in.csv', 'data/in.csv'],
    ['new/dir/out.json', 'new/dir/out.json'],
    ['inner-link/in.csv', 'data/in.csv'],
    ['data/100%.csv', 'data/100%.csv'],
    ['data/a%20b.csv', 'data/a%20b.csv'],
  ])('relative %j -> %j', (input, relativePath) => {
    expect(parseStorageUri(input, policy)).toEqual({
      kind: 'local',
      relativePath,
      absolutePath: join(realRoot, relativePath),
    });
  });

  it('accepts file:// URIs and bare absolute paths inside the root', () => {
    for (const input of [`file://${root}/data/in.csv`, `file://localhost${root}/data/in.csv`, `${root}/data/in.csv`]) {
      expect(parseStorageUri(input, policy)).toMatchObject({ kind: 'local', relativePath: 'data/in.csv' });
    }
  });

  it('percent-decodes file:// URIs (and only those)', () => {
    expect(parseStorageUri(`file://${root}/data/with%20space.csv`, policy)).toMatchObject({ relativePath: 'data/with space.csv' });
  });

  it('works when the root itself is reached through a symlink', () => {
    const viaLink = { localRoot: join(base, 'root-link') };
    expect(parseStorageUri('data/in.csv', viaLink)).toMatchObject({ absolutePath: join(realRoot, 'data/in.csv') });
    expect(parseStorageUri(`file://${root}/data/in.csv`, viaLink)).toMatchObject({ relativePath: 'data/in.csv' });
    expect(parseStorageUri(`file://${base}/root-link/data/in.csv`, policy)).toMatchObject({ relativePath: 'data/in.csv' });
  });

  it('accepts paths under a root that does not exist yet', () => {
    const fresh = { localRoot: join(base, 'not-yet', 'root') };
    expect(parseStorageUri('uploads/a.csv', fresh)).toMatchObject({ relativePath: 'uploads/a.csv' });
    expect(refusal('../a.csv', fresh).reason).toBe('path_traversal');
  });
});

describe('parseStorageUri: accepted s3 URIs', () => {
  it.each([
    ['s3://my-bucket/path/to/file.csv', 'my-bucket', 'path/to/file.csv'],
    ['S3://my-bucket/file.csv', 'my-bucket', 'file.csv'],
    ['s3://my.bucket.2024/a b/c+d=e.csv', 'my.bucket.2024', 'a b/c+d=e.csv'],
    ['s3://abc/x', 'abc', 'x'],
  ])('%j', (input, bucket, key) => {
    const location = parseStorageUri(input, {});
    expect(location).toEqual({ kind: 's3', bucket, key });
    expect(formatStorageLocation(location)).toBe(`s3://${bucket}/${key}`);
  });

  it('accepts a bucket on the allow-list', () => {
    expect(parseStorageUri('s3://inputs/a.csv', { allowedBuckets: ['inputs', 'other'] })).toMatchObject({ bucket: 'inputs' });
  });
});

const refusedLocal: Array<[string, StorageUriErrorReason]> = [
  ['', 'empty'],
  ['.', 'empty'],
  ['./', 'empty'],
  [' data/in.csv', 'surrounding_whitespace'],
  ['data/in.csv ', 'surrounding_whitespace'],
  ['../outside/secret.csv', 'path_traversal'],
  ['data/../../outside/secret.csv', 'path_traversal'],
  ['data/../in.csv', 'path_traversal'],
  ['data/..', 'path_traversal'],
  ['/etc/passwd', 'outside_root'],
  ['file:///etc/passwd', 'outside_root'],
  ['escape/secret.csv', 'symlink_escape'],
  ['escape-file.csv', 'symlink_escape'],
  ['escape/not-yet-written.csv', 'symlink_escape'],
  ['escape/new/dir/file.csv', 'symlink_escape'],
  ['dangling', 'unresolvable_symlink'],
  ['dangling/child.csv', 'unresolvable_symlink'],
  ['loop-a', 'unresolvable_symlink'],
  ['%2e%2e%2fsecret.csv', 'encoded_path_character'],
  ['%2E%2E/outside/secret.csv', 'encoded_path_character'],
  ['..%2foutside/secret.csv', 'encoded_path_character'],
  ['.%2e/outside/secret.csv', 'encoded_path_character'],
  ['data/%2e%2e/%2e%2e/outside', 'encoded_path_character'],
  ['%252e%252e%252fsecret.csv', 'encoded_path_character'],
  ['%25252e%25252e/secret.csv', 'encoded_path_character'],
  ['data%5c..%5c..%5csecret.csv', 'encoded_path_character'],
  ['%c0%ae%c0%ae/secret.csv', 'encoded_path_character'],
  ['data/in.csv%0a', 'encoded_path_character'],
  ['data/in.csv\0.png', 'nul_byte'],
  ['data/in.csv%00.png', 'nul_byte'],
  ['..\\..\\etc\\passwd', 'backslash'],
  ['data\\in.csv', 'backslash'],
  ['data/in\nfile.csv', 'control_character'],
  ['data/in\x7f.csv', 'control_character'],
  ['\uFF0E\uFF0E\uFF0Foutside/secret.csv', 'confusable_character'],
  ['\u2025/outside/secret.csv', 'confusable_character'],
  ['data\uFF3Cin.csv', 'confusable_character'],
  ['http://example.com/file.csv', 'unsupported_scheme'],
  ['ftp:file.csv', 'unsupported_scheme'],
  ['C:/Windows/win.ini', 'unsupported_scheme'],
  ['file:relative.csv', 'invalid_file_uri'],
  ['file://evil.example/etc/passwd', 'invalid_file_uri'],
  ['file://', 'invalid_file_uri'],
];

describe('parseStorageUri: refused local paths', () => {
  it.each(refusedLocal)('%j -> %s', (input, reason) => {
    const error = refusal(input);
    expect(error.reason).toBe(reason);
    expect(error.code).toBe('invalid_storage_uri');
    expect(error.retryable).toBe(false);
    expect(error.uri).toBe(input);
  });

  it.each<[string, StorageUriErrorReason]>([
    ['/../outside/secret.csv', 'path_traversal'],
    ['/../outside/secret.csv?x', 'invalid_file_uri'],
    ['/data/%2e%2e/%2e%2e/outside/secret.csv', 'encoded_path_character'],
    ['/data/%252e%252e/x.csv', 'encoded_path_character'],
    ['/data/a%00b.csv', 'nul_byte'],
    ['/data/a%zz.csv', 'invalid_percent_encoding'],
    ['/data/a%e2%82.csv', 'invalid_percent_encoding'],
    ['/data/%EF%BC%8E%EF%BC%8E%EF%BC%8Fx', 'confusable_character'],
    ['/escape/secret.csv', 'symlink_escape'],
    ['', 'empty'],
  ])('file://<root>%s -> %s', (suffix, reason) => {
    expect(refusal(`file://${root}${suffix}`).reason).toBe(reason);
  });

  it('refuses absolute paths that only share a prefix with the root', () => {
    expect(refusal(`${root}-evil/x.csv`).reason).toBe('outside_root');
    expect(refusal(`file://${root}-evil/x.csv`).reason).toBe('outside_root');
    expect(refusal(`file://${outside}/secret.csv`).reason).toBe('outside_root');
  });

  it('refuses bare absolute paths with .. even when they would land inside', () => {
    expect(refusal(`${root}/data/../data/in.csv`).reason).toBe('path_traversal');
  });

  it('refuses input longer than 2048 characters', () => {
    expect(refusal(`data/${'a'.repeat(2048)}.csv`).reason).toBe('too_long');
  });

  it('refuses local paths when no root is configured', () => {
    expect(refusal('data/in.csv', {}).reason).toBe('local_not_configured');
    expect(refusal(`file://${root}/data/in.csv`, {}).reason).toBe('local_not_configured');
  });

  it('does not reveal the absolute storage root in its messages', () => {
    for (const input of ['escape/secret.csv', '../x.csv', 'dangling']) {
      expect(refusal(input).message).not.toContain(base);
      expect(refusal(input).message).toContain(JSON.stringify(input));
    }
  });
});

describe('parseStorageUri: refused s3 URIs', () => {
  it.each<[string, StorageUriErrorReason]>([
    ['s3://', 'invalid_bucket'],
    ['s3:///key.csv', 'invalid_bucket'],
    ['s3:bucket/key.csv', 'invalid_bucket'],
    ['s3://My_Bucket/key.csv', 'invalid_bucket'],
    ['s3://ab/key.csv', 'invalid_bucket'],
    ['s3://192.168.1.1/key.csv', 'invalid_bucket'],
    ['s3://bucket..name/key.csv', 'invalid_bucket'],
    ['s3://user@bucket/key.csv', 'invalid_bucket'],
    ['s3://bucket:9000/key.csv', 'invalid_bucket'],
    ['s3://-bucket/key.csv', 'invalid_bucket'],
    [`s3://${'b'.repeat(64)}/key.csv`, 'invalid_bucket'],
    ['s3://my-bucket', 'empty_key'],
    ['s3://my-bucket/', 'empty_key'],
    ['s3://my-bucket//key.csv', 'invalid_key'],
    [`s3://my-bucket/${'k'.repeat(1025)}`, 'invalid_key'],
    ['s3://my-bucket/../other/key.csv', 'path_traversal'],
    ['s3://my-bucket/a/../../key.csv', 'path_traversal'],
    ['s3://my-bucket/a/..', 'path_traversal'],
    ['s3://my-bucket/%2e%2e/key.csv', 'encoded_path_character'],
    ['s3://my-bucket/%252e%252e/key.csv', 'encoded_path_character'],
    ['s3://my-bucket/a\\..\\key.csv', 'backslash'],
    ['s3://my-bucket/key\0.csv', 'nul_byte'],
    ['s3://my-bucket/key%00.csv', 'nul_byte'],
    ['s3://my-bucket/\uFF0E\uFF0E\uFF0Fkey.csv', 'confusable_character'],
  ])('%j -> %s', (input, reason) => {
    expect(refusal(input, {}).reason).toBe(reason);
  });

  it('refuses buckets outside a configured allow-list', () => {
    const error = refusal('s3://other-bucket/key.csv', { allowedBuckets: ['inputs'] });
    expect(error.reason).toBe('bucket_not_allowed');
    expect(error.message).toContain('"other-bucket"');
  });

  it('allows no bucket at all with an empty allow-list (absent means any)', () => {
    expect(refusal('s3://inputs/key.csv', { allowedBuckets: [] }).reason).toBe('bucket_not_allowed');
    expect(parseStorageUri('s3://inputs/key.csv', {})).toMatchObject({ bucket: 'inputs' });
  });

  it('refuses s3:// when S3 is not configured', () => {
    expect(refusal('s3://my-bucket/key.csv', { localRoot: root, allowS3: false }).reason).toBe('s3_not_configured');
  });
});
