import type { AppConfig } from '@validahub/config';
import { ANONYMOUS_TENANT_ID, JobError, JobPayload } from '@validahub/jobs-domain';
import { checkPayloadSignature } from '@validahub/jobs-queueing';
import { CompositeStorage, createStorageFromConfig, openScope, ScopedStorage, storageHome, StorageHome, tenantScope } from '@validahub/storage';

export type JobStorage = { ok: true; storage: ScopedStorage } | { ok: false; error: JobError };

/**
 * The storage one job may use, decided by the worker from the payload alone (workers hold no
 * database credentials): every path is confined to the payload's tenant prefix (the open-mode
 * layout for the anonymous tenant, and for payloads from before tenancy). What the worker
 * cannot re-check, an input in another bucket, it accepts only from a payload the gateway
 * signed, and only for the buckets the signed params name.
 */
export class JobStorageScopes {
  private readonly base: CompositeStorage;
  private readonly home: StorageHome;

  constructor(private readonly config: AppConfig) {
    this.base = createStorageFromConfig(config.storage);
    this.home = storageHome(config.storage);
  }

  forPayload(payload: JobPayload): JobStorage {
    const signature = checkPayloadSignature(this.config.security.payloadSigningSecret, payload);
    if (signature === 'invalid') {
      const message =
        'payload signature does not match: it was not written by the gateway, or PAYLOAD_SIGNING_SECRET differs between gateway and workers';
      return { ok: false, error: { code: 'invalid_payload', message, retryable: false } };
    }
    const buckets = signature === 'valid' ? bucketsNamedIn(payload.params) : [];
    const tenantId = payload.tenantId ?? ANONYMOUS_TENANT_ID;
    const scope = tenantId === ANONYMOUS_TENANT_ID ? openScope(buckets) : tenantScope(tenantId, buckets);
    return { ok: true, storage: new ScopedStorage(this.base, this.config.storage, scope, this.home) };
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
