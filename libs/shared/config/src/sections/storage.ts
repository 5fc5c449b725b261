import { EnvReader } from '../env-reader';

export interface StorageConfig {
  /** Root folder for local-disk storage; relative input paths resolve under it. */
  localRoot: string;
  /** Where reports and corrected CSVs go: an s3:// prefix or a local folder / file:// URI. */
  resultsUri: string;
  s3: {
    endpoint?: string;
    region: string;
    forcePathStyle: boolean;
    accessKeyId?: string;
    secretAccessKey?: string;
    /**
     * Buckets outside the results bucket that inputs may come from: the operator's ceiling (a
     * tenant reads one only when its own `allowed_buckets` lists it too). Empty means none.
     */
    allowedBuckets: string[];
    /** Client tuning: time to open a connection, idle-socket limit, attempts per request (SDK retries included). */
    /** Optional in the type so hand-built configs (tests) may omit them; loadConfig always sets them. */
    connectTimeoutMs?: number;
    socketTimeoutMs?: number;
    maxAttempts?: number;
  };
  maxUploadBytes: number;
  /** Redirect result downloads to presigned URLs when the backend supports it. */
  presignResults: boolean;
}

export function readStorage(env: EnvReader): StorageConfig {
  return {
    localRoot: env.string('STORAGE_ROOT', '.data/storage'),
    resultsUri: env.string('RESULTS_URI', 'results/'),
    s3: {
      endpoint: env.string(['S3_ENDPOINT', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL']),
      region: env.string(['S3_REGION', 'AWS_REGION'], 'us-east-1'),
      forcePathStyle: env.bool('S3_FORCE_PATH_STYLE', false),
      accessKeyId: env.string(['S3_ACCESS_KEY_ID', 'AWS_ACCESS_KEY_ID']),
      secretAccessKey: env.string(['S3_SECRET_ACCESS_KEY', 'AWS_SECRET_ACCESS_KEY']),
      allowedBuckets: env.list('S3_ALLOWED_BUCKETS'),
      connectTimeoutMs: env.int('S3_CONNECT_TIMEOUT_MS', 3_000, { min: 1 }),
      socketTimeoutMs: env.int('S3_SOCKET_TIMEOUT_MS', 60_000, { min: 1 }),
      maxAttempts: env.int('S3_MAX_ATTEMPTS', 3, { min: 1, max: 10 }),
    },
    maxUploadBytes: env.int('MAX_UPLOAD_BYTES', 1024 * 1024 * 1024, { min: 1 }),
    presignResults: env.bool('RESULTS_PRESIGN', false),
  };
}
