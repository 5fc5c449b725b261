import { PermanentJobError } from '@validahub/jobs-domain';
import { OutboundClient, type OutboundClientOptions } from '@validahub/outbound-http';
import { feedLocations, type ObjectStorage } from '@validahub/storage';
import type { TaskDeps } from '../task';
import type { TaskContext, TaskResult } from '../task-handler';
import { storeFeed } from './store-feed';
import { toSyncJobError } from './sync-errors';
import { defaultFeedName, sourceIdentity, type SyncParams } from './sync-params';
import { fetchHttpSource, fetchS3Source, type FetchedFeed } from './sync-sources';
import { readSyncState, type SyncState, writeSyncState } from './sync-state';

export interface SyncDeps {
  storage: ObjectStorage;
  resultsUri: string;
  maxUploadBytes: number;
  outbound: OutboundClientOptions;
  idleTimeoutMs: number;
}

const DEFAULT_MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const CONTRACT_IDLE_MS = 60_000;

export function syncDeps(deps: TaskDeps): SyncDeps {
  return {
    storage: deps.storage,
    resultsUri: deps.resultsUri,
    maxUploadBytes: deps.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    outbound: deps.outbound ?? {},
    idleTimeoutMs: deps.syncIdleTimeoutMs ?? CONTRACT_IDLE_MS,
  };
}

/**
 * One sync: read what the last sync of this source saw, fetch (conditionally), stream into
 * `feeds/<name>`, then record the new state. Output `{uri, size, sha256, unchanged}`.
 */
export async function runSync(ctx: TaskContext<SyncParams>, deps: SyncDeps): Promise<TaskResult> {
  const { params, signal } = ctx;
  const maxBytes = params.max_bytes ?? deps.maxUploadBytes;
  if (maxBytes > deps.maxUploadBytes) {
    throw new PermanentJobError('invalid_params', `params.max_bytes must be at most ${deps.maxUploadBytes} (MAX_UPLOAD_BYTES)`);
  }
  // One client per attempt: no connection outlives the job, nothing is shared between jobs.
  const client = params.source.type === 'http' ? new OutboundClient(deps.outbound) : null;
  try {
    const where = feedLocations(deps.resultsUri, ctx.tenantId, params.name ?? defaultFeedName(params.source));
    const source = sourceIdentity(params.source);
    const previous = await readSyncState(deps.storage, where, source, signal);
    const options = { maxBytes, idleTimeoutMs: deps.idleTimeoutMs, signal };
    const fetched: FetchedFeed = client
      ? await fetchHttpSource(client, params.source as Extract<SyncParams['source'], { type: 'http' }>, previous, options)
      : await fetchS3Source(deps.storage, params.source as Extract<SyncParams['source'], { type: 's3' }>, previous, options);

    if (fetched.kind === 'not_modified') {
      ctx.logger.info({ uri: where.objectUri, source }, 'sync: source not modified');
      ctx.reportProgress(100, 'Not modified since the last sync');
      return output(where.objectUri, fetched.previous, true);
    }

    const stored = await storeFeed(deps.storage, fetched.body, where.objectUri, {
      maxBytes,
      signal,
      contentType: fetched.contentType,
      onBytes: (bytes) => ctx.reportProgress(progressPercent(bytes, fetched.contentLength), `Fetched ${(bytes / 1048576).toFixed(0)} MiB`),
    });
    const unchanged = previous?.sha256 === stored.sha256;
    const state: SyncState = { source, sha256: stored.sha256, size: stored.size, ...fetched.validators, synced_at: new Date().toISOString() };
    await writeSyncState(deps.storage, where, state, signal);
    ctx.logger.info({ uri: stored.uri, size: stored.size, unchanged }, 'sync: feed stored');
    ctx.reportProgress(100, unchanged ? 'Fetched; content unchanged' : `Fetched ${stored.size} bytes`);
    return output(stored.uri, state, unchanged);
  } catch (error) {
    throw toSyncJobError(error, signal);
  } finally {
    await client?.destroy();
  }
}

function output(uri: string, state: Pick<SyncState, 'size' | 'sha256'>, unchanged: boolean): TaskResult {
  return { resultRef: uri, summary: { uri, size: state.size, sha256: state.sha256, unchanged } };
}

function progressPercent(bytes: number, total: number | undefined): number {
  return total ? Math.min(99, Math.floor((bytes / total) * 100)) : 0;
}
