import { join } from 'node:path';
import { normalizeRelativePath, parseStorageUri, schemeOf } from '../uri/parse-storage-uri';
import { quote, refuse } from '../uri/path-checks';
import type { StorageUriPolicy } from '../uri/storage-location';
import type { StorageHome } from './storage-home';
import { SAMPLES_FOLDER, type StorageScope, TENANTS_FOLDER } from './storage-scope';

export type StorageAccess = 'read' | 'write';

export interface ScopeContext {
  /** The server-wide policy (local root, S3 on or off); its bucket list is not used here. */
  policy: Pick<StorageUriPolicy, 'localRoot' | 'allowS3'>;
  home: StorageHome;
  scope: StorageScope;
}

const MAX_S3_KEY_BYTES = 1024;

/**
 * Turns what a caller (or a job's params) names into the canonical URI storage understands,
 * inside the caller's scope, or throws StorageUriError. Relative paths resolve inside the
 * scope's prefix (`samples/...` in the shared read-only folder); `s3://` URIs must stay in the
 * prefix or name a readable bucket; absolute paths and `file://` are refused for tenants.
 * Local paths are confined with real paths, so a symlink out of the prefix is refused too.
 */
export function resolveScopedUri(input: string, access: StorageAccess, context: ScopeContext): string {
  const scheme = typeof input === 'string' && input !== '' ? schemeOf(input) : undefined;
  if (scheme === 's3') return resolveS3(input, access, context);
  if (scheme === 'file' || (typeof input === 'string' && input.startsWith('/'))) return resolveAbsolute(input, access, context);
  if (scheme !== undefined) {
    parseStorageUri(input, context.policy); // refuses the scheme with storage's own message
    throw refuse('unsupported_scheme', input, 'has an unsupported scheme');
  }
  return context.home.kind === 's3'
    ? resolveRelativeInBucket(input, access, context, context.home.bucket)
    : resolveRelativeLocal(input, access, context);
}

/** The URI a caller sees for a canonical one: relative to its prefix for a tenant, unchanged in open mode. */
export function toScopedUri(canonical: string, context: Omit<ScopeContext, 'policy'>): string {
  const { prefix } = context.scope;
  if (prefix === null) return canonical;
  const homePath = context.home.kind === 's3' ? stripBucket(canonical, context.home.bucket) : canonical;
  if (homePath === undefined) return canonical;
  return homePath.startsWith(`${prefix}/`) ? homePath.slice(prefix.length + 1) : homePath;
}

function resolveS3(input: string, access: StorageAccess, { policy, home, scope }: ScopeContext): string {
  const location = parseStorageUri(input, { allowS3: policy.allowS3 });
  if (location.kind !== 's3') throw refuse('invalid_bucket', input, 'is not of the form s3://bucket/key');
  if (home.kind === 's3' && location.bucket === home.bucket) {
    checkArea(location.key, input, access, scope);
  } else if (access === 'write' || !scope.readableBuckets.includes(location.bucket)) {
    throw refuse('bucket_not_allowed', input, `names bucket ${quote(location.bucket)}, which is not an allowed bucket`);
  }
  return `s3://${location.bucket}/${location.key}`;
}

function resolveAbsolute(input: string, access: StorageAccess, { policy, home, scope }: ScopeContext): string {
  if (scope.prefix !== null || home.kind === 's3') {
    throw refuse('absolute_path', input, 'is an absolute path; use a path relative to your storage, as POST /api/v1/files returns it');
  }
  // Open mode on local disk keeps the pre-tenancy forms: file:// and absolute paths inside the root.
  const location = parseStorageUri(input, { localRoot: policy.localRoot, allowS3: false });
  const relativePath = location.kind === 'local' ? location.relativePath : '';
  checkArea(relativePath, input, access, scope);
  return relativePath;
}

function resolveRelativeLocal(input: string, access: StorageAccess, { policy, scope }: ScopeContext): string {
  const root = policy.localRoot;
  refuseTenantsFolder(input, input);
  if (scope.prefix !== null && !isInSamples(input)) {
    // Confined to the tenant's own folder: a symlink in it that points anywhere else is refused.
    const location = parseStorageUri(input, { localRoot: root ? join(root, scope.prefix) : undefined, allowS3: false });
    return `${scope.prefix}/${location.kind === 'local' ? location.relativePath : ''}`;
  }
  const location = parseStorageUri(input, { localRoot: root, allowS3: false });
  const relativePath = location.kind === 'local' ? location.relativePath : '';
  checkArea(relativePath, input, access, scope);
  return relativePath;
}

function resolveRelativeInBucket(input: string, access: StorageAccess, { scope }: ScopeContext, bucket: string): string {
  const path = normalizeRelativePath(input);
  refuseTenantsFolder(path, input);
  const key = scope.prefix !== null && !isInSamples(path) ? `${scope.prefix}/${path}` : path;
  checkArea(key, input, access, scope);
  if (Buffer.byteLength(key, 'utf8') > MAX_S3_KEY_BYTES) throw refuse('invalid_key', input, 'is too long for an object key');
  return `s3://${bucket}/${key}`;
}

/** Where a home-relative path may be reached from: the scope's own area, or samples/ for reading. */
function checkArea(homePath: string, input: string, access: StorageAccess, scope: StorageScope): void {
  if (isInSamples(homePath)) {
    if (access === 'write') throw refuse('read_only', input, `is in the shared ${SAMPLES_FOLDER}/ folder, which is read-only`);
    return;
  }
  const inside = scope.prefix === null ? firstSegment(homePath).toLowerCase() !== TENANTS_FOLDER : homePath.startsWith(`${scope.prefix}/`);
  if (!inside) throw refuse('outside_tenant', input, 'is outside your storage');
}

/** A caller's relative path never starts in tenants/: not even its own prefix may be named from inside it. */
function refuseTenantsFolder(path: string, input: string): void {
  if (firstSegment(path).toLowerCase() === TENANTS_FOLDER) throw refuse('outside_tenant', input, 'is outside your storage');
}

function isInSamples(path: string): boolean {
  return firstSegment(path) === SAMPLES_FOLDER;
}

function firstSegment(path: string): string {
  return path.split('/').find((segment) => segment !== '' && segment !== '.') ?? '';
}

function stripBucket(uri: string, bucket: string): string | undefined {
  const prefix = `s3://${bucket}/`;
  return uri.startsWith(prefix) ? uri.slice(prefix.length) : undefined;
}
