import { resolve } from 'node:path';
import { isValidBucketName } from './bucket-name';
import { confineToRoot } from './confine';
import { assertNoTraversal, assertSafeCharacters, MAX_URI_LENGTH, quote, refuse } from './path-checks';
import type { LocalLocation, S3Location, StorageLocation, StorageUriPolicy } from './storage-location';

const MAX_S3_KEY_BYTES = 1024;
const SCHEME = /^([a-zA-Z][a-zA-Z0-9+.-]*):/;

/**
 * Turns a job's or a caller's storage URI into a location, or throws StorageUriError.
 * Accepts `s3://bucket/key`, `file:///absolute/path` and bare absolute paths inside the
 * local root, and paths relative to the local root. Everything that could reach outside
 * the root or an allowed bucket is refused (see README "Confinement rules").
 * Local paths touch the file system (realpath), so a symlink out of the root is caught.
 */
export function parseStorageUri(input: string, policy: StorageUriPolicy = {}): StorageLocation {
  assertPlainInput(input);
  const scheme = schemeOf(input);
  if (scheme === 's3') return parseS3(input, input.slice(3), policy);
  if (scheme === 'file') return parseFileUri(input, input.slice(5), policy);
  if (scheme !== undefined) {
    const hint = scheme.length === 1 ? ' (Windows drive paths are not supported)' : '; use s3://, file:// or a relative path';
    throw refuse('unsupported_scheme', input, `has unsupported scheme "${scheme}:"${hint}`);
  }
  if (input.startsWith('/')) return parseLocalAbsolute(input, input, policy);
  return parseLocalRelative(input, policy);
}

/** The lower-cased scheme of a URI (`s3`, `file`, ...), or undefined for a path. */
export function schemeOf(input: string): string | undefined {
  return SCHEME.exec(input)?.[1].toLowerCase();
}

/**
 * A relative path checked like any storage URI (characters, whitespace, `..`) without a root
 * to resolve it in, normalised (`./a//b` -> `a/b`): for keys built under a prefix in S3.
 */
export function normalizeRelativePath(input: string): string {
  assertPlainInput(input);
  if (schemeOf(input) !== undefined || input.startsWith('/')) throw refuse('absolute_path', input, 'is not a relative path');
  assertNoTraversal(input, input);
  const segments = input.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (!segments.length) throw refuse('empty', input, 'names the storage root itself, not a file');
  return segments.join('/');
}

function assertPlainInput(input: string): void {
  if (typeof input !== 'string' || input.length === 0) throw refuse('empty', String(input ?? ''), 'is empty');
  if (input.length > MAX_URI_LENGTH) throw refuse('too_long', input, `is longer than ${MAX_URI_LENGTH} characters`);
  assertSafeCharacters(input, input);
  if (input.trim() !== input) throw refuse('surrounding_whitespace', input, 'has leading or trailing whitespace');
}

function parseS3(input: string, rest: string, policy: StorageUriPolicy): S3Location {
  if (policy.allowS3 === false) throw refuse('s3_not_configured', input, 'is an s3:// URI but no S3 storage is configured');
  if (!rest.startsWith('//')) throw refuse('invalid_bucket', input, 'is not of the form s3://bucket/key');
  const slash = rest.indexOf('/', 2);
  const bucket = slash === -1 ? rest.slice(2) : rest.slice(2, slash);
  const key = slash === -1 ? '' : rest.slice(slash + 1);
  if (!isValidBucketName(bucket)) {
    throw refuse('invalid_bucket', input, `has invalid bucket name ${quote(bucket)} (3-63 of a-z 0-9 . -)`);
  }
  if (policy.allowedBuckets && !policy.allowedBuckets.includes(bucket)) {
    throw refuse('bucket_not_allowed', input, `names bucket ${quote(bucket)}, which is not an allowed bucket`);
  }
  if (key.length === 0) throw refuse('empty_key', input, 'has no object key after the bucket');
  if (key.startsWith('/')) throw refuse('invalid_key', input, 'has an object key starting with "/"');
  if (Buffer.byteLength(key, 'utf8') > MAX_S3_KEY_BYTES) {
    throw refuse('invalid_key', input, `has an object key longer than ${MAX_S3_KEY_BYTES} bytes`);
  }
  assertNoTraversal(key, input);
  return { kind: 's3', bucket, key };
}

function parseFileUri(input: string, rest: string, policy: StorageUriPolicy): LocalLocation {
  if (!rest.startsWith('//')) throw refuse('invalid_file_uri', input, 'is not of the form file:///absolute/path');
  const pathStart = rest.indexOf('/', 2);
  const host = pathStart === -1 ? rest.slice(2) : rest.slice(2, pathStart);
  if (host !== '' && host.toLowerCase() !== 'localhost') {
    throw refuse('invalid_file_uri', input, `names host ${quote(host)}; only local files (file:///path) are supported`);
  }
  if (pathStart === -1) throw refuse('invalid_file_uri', input, 'has no path');
  const encodedPath = rest.slice(pathStart);
  if (/[?#]/.test(encodedPath)) throw refuse('invalid_file_uri', input, 'has a query or fragment; encode "?" as %3F and "#" as %23');
  assertNoTraversal(encodedPath, input);
  let path: string;
  try {
    path = decodeURIComponent(encodedPath);
  } catch {
    throw refuse('invalid_percent_encoding', input, 'has malformed percent-encoding');
  }
  assertSafeCharacters(path, input);
  return parseLocalAbsolute(path, input, policy);
}

function parseLocalAbsolute(path: string, input: string, policy: StorageUriPolicy): LocalLocation {
  assertNoTraversal(path, input);
  return confineToRoot(path, requireRoot(input, policy), input);
}

function parseLocalRelative(path: string, policy: StorageUriPolicy): LocalLocation {
  assertNoTraversal(path, path);
  const root = requireRoot(path, policy);
  return confineToRoot(resolve(root, path), root, path);
}

function requireRoot(input: string, policy: StorageUriPolicy): string {
  if (!policy.localRoot) throw refuse('local_not_configured', input, 'is a local path but no local storage root is configured');
  return policy.localRoot;
}
