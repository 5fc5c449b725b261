import type { AppConfig } from '@validahub/config';
import { ANONYMOUS_TENANT_ID, JobError, JobPayload } from '@validahub/jobs-domain';
import { checkPayloadSignature } from '@validahub/jobs-queueing';
import {
  CompositeStorage,
  createStorageFromConfig,
  openScope,
  ScopedStorage,
  storageHome,
  StorageHome,
  StorageScope,
  tenantScope,
} from '@validahub/storage';

export type JobScope = { ok: true; scope: StorageScope } | { ok: false; error: JobError };

/**
 * The storage scope of one job, decided by the worker from the payload alone (workers hold no
 * database credentials): every path is confined to the payload's tenant prefix (the open-mode
 * layout for the anonymous tenant, and for payloads from before tenancy). What the worker
 * cannot re-check, an input in another bucket, it accepts only from a payload the gateway
 * signed, and only for the buckets the signed params name. A scope is plain data, so it
 * crosses into the attempt's sandbox thread, where `JobStorageFactory` turns it into storage.
 */
export function jobScopeOf(payload: JobPayload, payloadSigningSecret: string): JobScope {
  const signature = checkPayloadSignature(payloadSigningSecret, payload);
  if (signature === 'invalid') {
    const message =
      'payload signature does not match: it was not written by the gateway, or PAYLOAD_SIGNING_SECRET differs between gateway and workers';
    return { ok: false, error: { code: 'invalid_payload', message, retryable: false } };
  }
  const buckets = signature === 'valid' ? bucketsNamedIn(payload.params) : [];
  const tenantId = payload.tenantId ?? ANONYMOUS_TENANT_ID;
  return { ok: true, scope: tenantId === ANONYMOUS_TENANT_ID ? openScope(buckets) : tenantScope(tenantId, buckets) };
}

/** Storage confined to one job's scope, over one shared backend. */
export class JobStorageFactory {
  private readonly base: CompositeStorage;
  private readonly home: StorageHome;

  constructor(private readonly storageConfig: AppConfig['storage']) {
    this.base = createStorageFromConfig(storageConfig);
    this.home = storageHome(storageConfig);
  }

  forScope(scope: StorageScope): ScopedStorage {
    return new ScopedStorage(this.base, this.storageConfig, scope, this.home);
  }
}

/** The buckets of the `s3://` URIs among the params' values, nested ones (e.g. a sync source) included. */
function bucketsNamedIn(params: unknown): string[] {
  const buckets = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const bucket = /^s3:\/\/([^/]+)\//i.exec(value)?.[1];
      if (bucket) buckets.add(bucket);
    } else if (value && typeof value === 'object') {
      for (const inner of Object.values(value as Record<string, unknown>)) visit(inner);
    }
  };
  visit(params);
  return [...buckets];
}
