import type { S3Client } from '@aws-sdk/client-s3';
import { ConfigError, type StorageConfig } from '@validahub/config';
import { s3Sdk } from './s3-sdk';

/** Client knobs StorageConfig does not (yet) carry; the defaults suit a worker or the gateway. */
export interface S3ClientTuning {
  /** Give up connecting after this long (default 3000 ms). */
  connectTimeoutMs?: number;
  /**
   * Fail a request whose socket stays idle this long, including a download whose reader
   * has paused (default 60000 ms).
   */
  socketTimeoutMs?: number;
  /** Attempts per request, SDK retries included (default 3; 1 disables retries). */
  maxAttempts?: number;
  /**
   * 'when_required' turns off the SDK's default CRC32 checksums, which older S3 look-alikes
   * reject. Default: 'when_required' when a custom endpoint is set, else 'when_supported'.
   */
  checksums?: 'when_supported' | 'when_required';
}

export const DEFAULT_S3_TUNING = { connectTimeoutMs: 3_000, socketTimeoutMs: 60_000, maxAttempts: 3 } as const;

export function createS3Client(s3: StorageConfig['s3'], tuning: S3ClientTuning = {}): S3Client {
  const checksums = tuning.checksums ?? (s3.endpoint ? 'when_required' : 'when_supported');
  const checksumMode = checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  return new (s3Sdk().client.S3Client)({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle,
    credentials: staticCredentials(s3),
    // An explicit tuning wins over the config (S3_MAX_ATTEMPTS, S3_*_TIMEOUT_MS), which wins over the defaults.
    maxAttempts: tuning.maxAttempts ?? s3.maxAttempts ?? DEFAULT_S3_TUNING.maxAttempts,
    requestHandler: {
      connectionTimeout: tuning.connectTimeoutMs ?? s3.connectTimeoutMs ?? DEFAULT_S3_TUNING.connectTimeoutMs,
      socketTimeout: tuning.socketTimeoutMs ?? s3.socketTimeoutMs ?? DEFAULT_S3_TUNING.socketTimeoutMs,
    },
    requestChecksumCalculation: checksumMode,
    responseChecksumValidation: checksumMode,
  });
}

/** Static keys when both are configured; otherwise the SDK's default chain (env, profile, IAM role). */
function staticCredentials(s3: StorageConfig['s3']): { accessKeyId: string; secretAccessKey: string } | undefined {
  const { accessKeyId, secretAccessKey } = s3;
  if (accessKeyId && secretAccessKey) return { accessKeyId, secretAccessKey };
  if (accessKeyId || secretAccessKey) {
    const missing = accessKeyId ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID';
    throw new ConfigError([`${missing} is required when the other S3 access key variable is set`]);
  }
  return undefined;
}
