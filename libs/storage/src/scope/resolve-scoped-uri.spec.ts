import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageUriError, type StorageUriErrorReason } from '../errors';
import { resolveScopedUri, type ScopeContext, type StorageAccess, toScopedUri } from './resolve-scoped-uri';
import { resultsPathInHome, storageHome } from './storage-home';
import { openScope, tenantScope } from './storage-scope';

const A = '6b0f4a43-64a5-4b43-9a43-0b4f7e2f1c11';
const B = '1f3bd2f6-8c0e-4f38-8b47-5d0a3a6a9e01';
let root: string;
let outside: string;

beforeAll(() => {
  const base = mkdtempSync(join(tmpdir(), 'vh-scope-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  for (const dir of [`tenants/${A}/uploads`, `tenants/${B}/uploads`, 'samples', 'feeds']) mkdirSync(join(root, dir), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'tenants', B, 'uploads', 'secret.csv'), 'sku\nB-only\n');
  writeFileSync(join(outside, 'secret.csv'), 'sku\nhost\n');
  // Links planted inside A's prefix, the shared samples and the open area, each pointing elsewhere.
  symlinkSync(join(root, 'tenants', B, 'uploads'), join(root, 'tenants', A, 'uploads', 'to-b'));
  symlinkSync(join(outside, 'secret.csv'), join(root, 'tenants', A, 'uploads', 'host.csv'));
  symlinkSync(join(root, 'tenants', B), join(root, 'samples', 'tenant-b'));
  symlinkSync(join(root, 'tenants'), join(root, 'feeds', 'all-tenants'));
});
afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

const local = (scope = tenantScope(A, ['ext-bucket'])): ScopeContext => ({
  policy: { localRoot: root, allowS3: true },
  home: { kind: 'local' },
  scope,
});
const inBucket = (scope = tenantScope(A, ['ext-bucket'])): ScopeContext => ({
  policy: { localRoot: root, allowS3: true },
  home: { kind: 's3', bucket: 'home-bucket' },
  scope,
});

function refusal(input: string, context: ScopeContext, access: StorageAccess = 'read'): StorageUriErrorReason {
  try {
    resolveScopedUri(input, access, context);
  } catch (error) {
    if (error instanceof StorageUriError) return error.reason;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('a tenant on local disk', () => {
  it.each([
    ['uploads/2026/01/x.csv', `tenants/${A}/uploads/2026/01/x.csv`],
    ['./uploads//x.csv', `tenants/${A}/uploads/x.csv`],
    ['results/job.json', `tenants/${A}/results/job.json`],
    ['samples/sample.csv', 'samples/sample.csv'],
    ['s3://ext-bucket/feeds/in.csv', 's3://ext-bucket/feeds/in.csv'],
  ])('reads %j as %j', (input, canonical) => {
    expect(resolveScopedUri(input, 'read', local())).toBe(canonical);
  });

  it.each<[string, StorageUriErrorReason, StorageAccess?]>([
    [`../${B}/uploads/secret.csv`, 'path_traversal'],
    [`tenants/${B}/uploads/secret.csv`, 'outside_tenant'],
    [`ROOT/tenants/${B}/uploads/secret.csv`, 'absolute_path'],
    [`file://ROOT/tenants/${A}/uploads/x.csv`, 'absolute_path'],
    ['/etc/passwd', 'absolute_path'],
    ['uploads/to-b/secret.csv', 'symlink_escape'],
    ['uploads/host.csv', 'symlink_escape'],
    ['samples/tenant-b/uploads/secret.csv', 'outside_tenant'],
    ['samples/new.csv', 'read_only', 'write'],
    ['s3://other-bucket/in.csv', 'bucket_not_allowed'],
    ['s3://ext-bucket/out.csv', 'bucket_not_allowed', 'write'],
    ['%2e%2e/secret.csv', 'encoded_path_character'],
    ['http://example.com/x.csv', 'unsupported_scheme'],
    ['', 'empty'],
  ])('refuses %j (%s)', (input, reason, access = 'read') => {
    expect(refusal(input.replace('ROOT', root), local(), access)).toBe(reason);
  });

  it('shows canonical URIs relative to the prefix, and leaves other locations alone', () => {
    expect(toScopedUri(`tenants/${A}/uploads/x.csv`, local())).toBe('uploads/x.csv');
    expect(toScopedUri('samples/sample.csv', local())).toBe('samples/sample.csv');
    expect(toScopedUri('s3://ext-bucket/in.csv', local())).toBe('s3://ext-bucket/in.csv');
  });
});

describe('the open-mode tenant on local disk', () => {
  const open = () => local(openScope([]));

  it.each([
    ['feeds/in.csv', 'feeds/in.csv'],
    [`file://${join('ROOT', 'feeds', 'in.csv')}`, 'feeds/in.csv'],
    ['results/job.json', 'results/job.json'],
  ])('reads %j as before tenancy', (input, canonical) => {
    expect(resolveScopedUri(input.replace('ROOT', root), 'read', open())).toBe(canonical);
  });

  it.each<[string, StorageUriErrorReason, StorageAccess?]>([
    [`tenants/${B}/uploads/secret.csv`, 'outside_tenant'],
    [`Tenants/${B}/uploads/secret.csv`, 'outside_tenant'],
    ['feeds/all-tenants/x/uploads/secret.csv', 'outside_tenant'],
    ['samples/x.csv', 'read_only', 'write'],
    ['/etc/passwd', 'outside_root'],
    ['s3://ext-bucket/in.csv', 'bucket_not_allowed'],
  ])('refuses %j (%s)', (input, reason, access = 'read') => {
    expect(refusal(input, open(), access)).toBe(reason);
  });

  it('keeps canonical URIs as they are', () => {
    expect(toScopedUri('uploads/x.csv', open())).toBe('uploads/x.csv');
  });
});

describe('a tenant whose home is the results bucket', () => {
  it.each([
    ['uploads/x.csv', `s3://home-bucket/tenants/${A}/uploads/x.csv`],
    ['samples/sample.csv', 's3://home-bucket/samples/sample.csv'],
    [`s3://home-bucket/tenants/${A}/results/j.json`, `s3://home-bucket/tenants/${A}/results/j.json`],
  ])('reads %j as %j', (input, canonical) => {
    expect(resolveScopedUri(input, 'read', inBucket())).toBe(canonical);
  });

  it.each<[string, StorageUriErrorReason]>([
    [`s3://home-bucket/tenants/${B}/uploads/secret.csv`, 'outside_tenant'],
    ['s3://home-bucket/uploads/legacy.csv', 'outside_tenant'],
    [`tenants/${B}/x.csv`, 'outside_tenant'],
    ['../x.csv', 'path_traversal'],
    ['file:///etc/passwd', 'absolute_path'],
  ])('refuses %j (%s)', (input, reason) => {
    expect(refusal(input, inBucket())).toBe(reason);
  });

  it('refuses absolute paths in open mode too, and keeps the open area outside tenants/', () => {
    expect(resolveScopedUri('uploads/x.csv', 'read', inBucket(openScope()))).toBe('s3://home-bucket/uploads/x.csv');
    expect(refusal('/srv/x.csv', inBucket(openScope()))).toBe('absolute_path');
    expect(refusal(`s3://home-bucket/tenants/${A}/x.csv`, inBucket(openScope()))).toBe('outside_tenant');
  });

  it('shows its own objects relative to the prefix', () => {
    expect(toScopedUri(`s3://home-bucket/tenants/${A}/results/j.json`, inBucket())).toBe('results/j.json');
    expect(toScopedUri('s3://ext-bucket/in.csv', inBucket())).toBe('s3://ext-bucket/in.csv');
  });
});

describe('storage home and results folder', () => {
  it.each([
    ['results/', 'results'],
    ['./out/results', 'out/results'],
    ['s3://bucket/results/', 'results'],
    ['s3://bucket/', 'results'],
    ['s3://bucket/out/res', 'out/res'],
  ])('RESULTS_URI %j -> %j inside a prefix', (resultsUri, path) => {
    expect(resultsPathInHome({ resultsUri, localRoot: root })).toBe(path);
  });

  it('takes the results bucket as the home, else the local root', () => {
    expect(storageHome({ resultsUri: 's3://bucket/results/' })).toEqual({ kind: 's3', bucket: 'bucket' });
    expect(storageHome({ resultsUri: 'results/' })).toEqual({ kind: 'local' });
  });

  it('refuses a tenant id that is not a safe folder name', () => {
    expect(() => tenantScope('../x')).toThrow(StorageUriError);
  });
});
