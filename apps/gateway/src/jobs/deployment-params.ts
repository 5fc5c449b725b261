import type { FieldError } from '@validahub/jobs-domain';
import { checkTargetUrl, TargetRefusedError } from '@validahub/outbound-http';
import { StorageUriError } from '@validahub/storage';

export interface DeploymentLimits {
  /** WEBHOOK_ALLOW_PRIVATE: http and private addresses allowed (development and tests only). */
  allowPrivateTargets: boolean;
  /** MAX_UPLOAD_BYTES: the ceiling of `max_bytes`. */
  maxUploadBytes: number;
  /** Throws StorageUriError for a URI the caller may not read (outside its storage and allowed buckets). */
  checkReadable(uri: string): void;
}

/**
 * What a task's params schema cannot know because it depends on this deployment: an outbound
 * URL's scheme and literal address, a source URI's bucket, a byte cap above the ceiling. Keyed by
 * param name, like `input_uri`, so any task using these names gets the same 400 at create time
 * (the worker enforces the same rules again).
 */
export function deploymentParamErrors(params: unknown, limits: DeploymentLimits): FieldError[] {
  const { source, max_bytes: maxBytes } = (params ?? {}) as { source?: { type?: unknown; url?: unknown; uri?: unknown }; max_bytes?: unknown };
  const errors: FieldError[] = [];
  if (source?.type === 'http' && typeof source.url === 'string') {
    try {
      checkTargetUrl(source.url, { allowPrivate: limits.allowPrivateTargets });
    } catch (error) {
      if (!(error instanceof TargetRefusedError)) throw error;
      errors.push({ field: 'params.source.url', message: error.message });
    }
  }
  if (source?.type === 's3' && typeof source.uri === 'string') {
    try {
      limits.checkReadable(source.uri);
    } catch (error) {
      if (!(error instanceof StorageUriError)) throw error;
      errors.push({ field: 'params.source.uri', message: error.message });
    }
  }
  if (typeof maxBytes === 'number' && maxBytes > limits.maxUploadBytes) {
    errors.push({ field: 'params.max_bytes', message: `must be at most ${limits.maxUploadBytes} (MAX_UPLOAD_BYTES)` });
  }
  return errors;
}
