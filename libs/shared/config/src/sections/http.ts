import { EnvReader } from '../env-reader';

export interface HttpConfig {
  host: string;
  port: number;
  /** Seconds to keep idempotency keys (contract: at least 24 h). */
  idempotencyTtlSeconds: number;
  logLevel: string;
  /** LOG_FORMAT: `json` lines, `pretty` one-line text, or `auto` (pretty on a terminal outside production). */
  logFormat: 'auto' | 'json' | 'pretty';
  /** NODE_ENV (`production` turns development conveniences off). */
  nodeEnv: string;
  /** Folder of the built web page served at /app (`npm run build:web` writes it). */
  webAssetsDir: string;
  /** On SIGTERM, how long requests in flight may finish before every remaining connection is closed. */
  shutdownDrainMs: number;
  /** A client must send its request headers within this (HTTP_HEADERS_TIMEOUT_MS). */
  headersTimeoutMs: number;
  /** A JSON request must be received and answered within this (HTTP_REQUEST_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** An upload is cut after this long without a byte (HTTP_UPLOAD_IDLE_TIMEOUT_MS). */
  uploadIdleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** Origins allowed by CORS; empty (the default) sends no CORS headers at all. */
  corsOrigins: string[];
  /** Behind a reverse proxy: take the client address and protocol from X-Forwarded-For/-Proto (TRUST_PROXY). */
  trustProxy: boolean;
}

export function readHttp(env: EnvReader): HttpConfig {
  return {
    host: env.string('HOST', '0.0.0.0'),
    port: env.int('PORT', 3001, { min: 0, max: 65_535 }),
    idempotencyTtlSeconds: env.int('IDEMPOTENCY_TTL_SECONDS', 86_400, { min: 60 }),
    logLevel: env.oneOf('LOG_LEVEL', 'info', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const),
    logFormat: env.oneOf('LOG_FORMAT', 'auto', ['auto', 'json', 'pretty'] as const),
    nodeEnv: env.string('NODE_ENV', 'development'),
    shutdownDrainMs: env.int('GATEWAY_SHUTDOWN_DRAIN_MS', 10_000, { min: 0 }),
    webAssetsDir: env.string('WEB_ASSETS_DIR', 'dist/web'),
    headersTimeoutMs: env.int('HTTP_HEADERS_TIMEOUT_MS', 10_000, { min: 100 }),
    requestTimeoutMs: env.int('HTTP_REQUEST_TIMEOUT_MS', 60_000, { min: 100 }),
    uploadIdleTimeoutMs: env.int('HTTP_UPLOAD_IDLE_TIMEOUT_MS', 30_000, { min: 100 }),
    keepAliveTimeoutMs: env.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, { min: 100 }),
    corsOrigins: env.list('CORS_ORIGINS'),
    trustProxy: env.bool('TRUST_PROXY', false),
  };
}
