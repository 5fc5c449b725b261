import type { StorageConfig } from '@validahub/config';
import type { CompositeStorage } from '../composite-storage';
import type { ObjectHead, ObjectStorage, OpenedObject, OpenReadOptions, WriteBody, WriteOptions, WrittenObject } from '../object-storage';
import { pickUploadTarget, uploadTargetUri } from '../uploads/upload-target';
import { resolveScopedUri, type ScopeContext, type StorageAccess, toScopedUri } from './resolve-scoped-uri';
import { resultsPathInHome, type StorageHome, storageHome } from './storage-home';
import type { StorageScope } from './storage-scope';

/**
 * Storage as one caller may use it: every URI goes through `resolveScopedUri` before the
 * backend sees it, and the URIs it hands back are the caller's own (relative to its prefix).
 * The gateway builds one per request, a worker one per job.
 */
export class ScopedStorage implements ObjectStorage {
  private readonly context: ScopeContext;

  constructor(
    private readonly base: CompositeStorage,
    private readonly config: Pick<StorageConfig, 'resultsUri' | 'localRoot'>,
    readonly scope: StorageScope,
    home: StorageHome = storageHome(config),
  ) {
    this.context = { policy: base.policy, home, scope };
  }

  /** What tasks pass to `resultLocation`: a results folder inside the prefix (RESULTS_URI itself in open mode). */
  get resultsUri(): string {
    return this.scope.prefix === null ? this.config.resultsUri : resultsPathInHome(this.config);
  }

  /** Where a new upload goes, as the caller will name it (`uploads/<yyyy>/<mm>/<uuid>.csv` for a tenant). */
  uploadTarget(options: { now?: Date; id?: string } = {}): string {
    return this.scope.prefix === null ? pickUploadTarget(this.config, options) : uploadTargetUri('uploads', options);
  }

  /** The canonical URI behind a caller's URI; throws StorageUriError when it is outside the scope. */
  resolve(uri: string, access: StorageAccess = 'read'): string {
    return resolveScopedUri(uri, access, this.context);
  }

  /** How the caller names a canonical URI. */
  toScopedUri(canonical: string): string {
    return toScopedUri(canonical, this.context);
  }

  async openRead(uri: string, options?: OpenReadOptions): Promise<OpenedObject> {
    return this.base.openRead(this.resolve(uri), options);
  }

  async write(uri: string, body: WriteBody, options?: WriteOptions): Promise<WrittenObject> {
    const written = await this.base.write(this.resolve(uri, 'write'), body, options);
    return { ...written, uri: this.toScopedUri(written.uri) };
  }

  async head(uri: string): Promise<ObjectHead | null> {
    return this.base.head(this.resolve(uri));
  }

  async exists(uri: string): Promise<boolean> {
    return this.base.exists(this.resolve(uri));
  }

  async delete(uri: string): Promise<void> {
    return this.base.delete(this.resolve(uri, 'write'));
  }

  async presignGet(uri: string, expiresSeconds: number): Promise<string | null> {
    return this.base.presignGet(this.resolve(uri), expiresSeconds);
  }

  async ping(): Promise<void> {
    return this.base.ping();
  }
}
