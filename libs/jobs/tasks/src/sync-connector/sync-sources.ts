import { STATUS_CODES } from 'node:http';
import type { Readable } from 'node:stream';
import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { discardBody, type OutboundClient } from '@validahub/outbound-http';
import type { ObjectStorage } from '@validahub/storage';
import { SYNC_ERROR_CODES, tooLargeMessage } from './sync-errors';
import type { SyncSource } from './sync-params';
import type { SyncState } from './sync-state';

export type FetchedFeed =
  | { kind: 'not_modified'; previous: SyncState }
  | { kind: 'body'; body: Readable; contentLength?: number; contentType?: string; validators: Pick<SyncState, 'etag' | 'last_modified'> };

export interface FetchOptions {
  maxBytes: number;
  idleTimeoutMs: number;
  signal: AbortSignal;
}

/** At most 5 redirects, each checked like the first request (contract). */
const MAX_REDIRECTS = 5;

/**
 * GETs the feed, conditionally when the last sync left validators. 304: not modified; 4xx:
 * permanent; 5xx: transient; anything but 200 otherwise: permanent.
 */
export async function fetchHttpSource(
  client: OutboundClient,
  source: Extract<SyncSource, { type: 'http' }>,
  previous: SyncState | null,
  options: FetchOptions,
): Promise<FetchedFeed> {
  const headers: Record<string, string> = { ...source.headers };
  if (previous?.etag) headers['if-none-match'] = previous.etag;
  if (previous?.last_modified) headers['if-modified-since'] = previous.last_modified;
  const res = await client.request(source.url, {
    headers,
    maxRedirects: MAX_REDIRECTS,
    idleTimeoutMs: options.idleTimeoutMs,
    signal: options.signal,
  });
  const answered = `${res.url} answered ${res.status} ${STATUS_CODES[res.status] ?? ''}`.trim();
  if (res.status !== 200) discardBody(res.body);
  if (res.status === 304 && previous) return { kind: 'not_modified', previous };
  if (res.status >= 500) throw new TransientJobError(SYNC_ERROR_CODES.sourceUnavailable, answered);
  if (res.status >= 400) throw new PermanentJobError(SYNC_ERROR_CODES.sourceRejected, answered);
  if (res.status !== 200) throw new PermanentJobError(SYNC_ERROR_CODES.sourceRejected, `${answered}; expected 200`);
  const contentLength = numberHeader(res.headers['content-length']);
  if (contentLength !== undefined && contentLength > options.maxBytes) {
    discardBody(res.body);
    throw new PermanentJobError(SYNC_ERROR_CODES.sourceTooLarge, `${tooLargeMessage(options.maxBytes)}: it announced ${contentLength}`);
  }
  return {
    kind: 'body',
    body: res.body,
    contentLength,
    contentType: stringHeader(res.headers['content-type']),
    validators: { etag: stringHeader(res.headers.etag), last_modified: stringHeader(res.headers['last-modified']) },
  };
}

/**
 * Reads the feed from S3 through the storage lib (so the bucket allow-list applies). The
 * object's ETag plays the part of HTTP's: the same ETag and size as last time is "not modified"
 * without a download (Last-Modified alone is too coarse: two writes in one second share it).
 */
export async function fetchS3Source(
  storage: ObjectStorage,
  source: Extract<SyncSource, { type: 's3' }>,
  previous: SyncState | null,
  options: FetchOptions,
): Promise<FetchedFeed> {
  const head = await storage.head(source.uri);
  if (head?.etag && previous?.etag === head.etag && previous.size === head.size) return { kind: 'not_modified', previous };
  if (head && head.size > options.maxBytes) {
    throw new PermanentJobError(SYNC_ERROR_CODES.sourceTooLarge, `${tooLargeMessage(options.maxBytes)}: it holds ${head.size}`);
  }
  // No head means no object: openRead says so with ObjectNotFoundError.
  const opened = await storage.openRead(source.uri, { signal: options.signal });
  const validators = { etag: head?.etag, last_modified: head?.lastModified?.toISOString() };
  return { kind: 'body', body: opened.stream, contentLength: opened.size, contentType: opened.contentType, validators };
}

function stringHeader(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first && first.length <= 1024 ? first : undefined;
}

function numberHeader(value: string | string[] | undefined): number | undefined {
  const text = stringHeader(value);
  return text && /^\d{1,16}$/.test(text) ? Number(text) : undefined;
}
