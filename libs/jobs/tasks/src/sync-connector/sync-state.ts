import { type FeedLocations, ObjectNotFoundError, type ObjectStorage } from '@validahub/storage';

/**
 * What the last successful sync of a feed saw, kept as a small JSON object beside the feed
 * (workers have no database). The feed is written first and this afterwards, so a crash in
 * between leaves older validators, which at worst cost one unconditional download.
 */
export interface SyncState {
  /** sourceIdentity() of the source synced. */
  source: string;
  sha256: string;
  size: number;
  /** The source's ETag / Last-Modified (http), or the object's ETag and last-modified time (s3). */
  etag?: string;
  last_modified?: string;
  synced_at: string;
}

const MAX_STATE_BYTES = 64 * 1024;

/**
 * The state of the last sync of this same source, or null: none yet, another source synced
 * under that name, an unreadable state, or a feed object that is gone or was replaced since
 * (then its validators would describe bytes we no longer have).
 */
export async function readSyncState(storage: ObjectStorage, where: FeedLocations, source: string, signal: AbortSignal): Promise<SyncState | null> {
  let text: string;
  try {
    const opened = await storage.openRead(where.stateUri, { signal });
    text = await readSmall(opened.stream);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return null;
    throw error;
  }
  const state = parseState(text);
  if (!state || state.source !== source) return null;
  const head = await storage.head(where.objectUri);
  return head && head.size === state.size ? state : null;
}

export async function writeSyncState(storage: ObjectStorage, where: FeedLocations, state: SyncState, signal: AbortSignal): Promise<void> {
  await storage.write(where.stateUri, JSON.stringify(state), { contentType: 'application/json', signal });
}

function parseState(text: string): SyncState | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const s = raw as Record<string, unknown>;
  const optionalString = (v: unknown) => v === undefined || typeof v === 'string';
  const valid =
    typeof s.source === 'string' &&
    typeof s.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(s.sha256) &&
    Number.isSafeInteger(s.size) &&
    (s.size as number) >= 0 &&
    optionalString(s.etag) &&
    optionalString(s.last_modified) &&
    typeof s.synced_at === 'string';
  return valid ? (s as unknown as SyncState) : null;
}

async function readSmall(stream: NodeJS.ReadableStream & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      size += buffer.length;
      // A state this large was not written by us: treat it as unreadable.
      if (size > MAX_STATE_BYTES) return '';
      chunks.push(buffer);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks).toString('utf8');
}
