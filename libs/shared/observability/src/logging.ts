import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import { CORRELATION_ID_HEADER, resolveCorrelationId } from './correlation-id';
import { prettyTransport } from './log-format';

export interface LoggingOptions {
  level: string;
  service: string;
  /** One-line text through pino-pretty instead of JSON (see wantsPrettyLogs). */
  pretty?: boolean;
}

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'res.headers.location',
];

/** Query parameters that make a URL a credential (S3/GCS/Azure presigned URLs, tokens). */
const SIGNED_QUERY = /[?&](x-amz-[a-z-]+|x-goog-[a-z-]+|signature|sig|token|access_token|key)=/i;

/** A Location keeps its path (useful: which job) but loses a signing query; everything else is '[Redacted]'. */
export function censorLogValue(value: unknown, path: string[]): unknown {
  if (path[path.length - 1] !== 'location') return '[Redacted]';
  if (typeof value !== 'string') return value;
  return SIGNED_QUERY.test(value) ? `${value.split('?')[0]}?[Redacted]` : value;
}

/**
 * nestjs-pino settings: one JSON line per request carrying `correlation_id`. The HTTP server
 * assigns the request id (the correlation id) before this runs; the header is the fallback.
 */
export function pinoLoggerParams(options: LoggingOptions): Params {
  return {
    pinoHttp: {
      level: options.level,
      base: { service: options.service },
      genReqId: (req: IncomingMessage & { id?: unknown }) =>
        typeof req.id === 'string' ? req.id : resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]).id,
      customProps: (req: IncomingMessage & { id?: unknown }) => ({ correlation_id: req.id }),
      // Probes and scrapes would drown the useful lines.
      autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
      // API keys travel in Authorization or X-API-Key, result downloads redirect to presigned
      // URLs: never in a log line.
      redact: { paths: REDACTED_PATHS, censor: censorLogValue },
      ...(options.pretty ? { transport: prettyTransport() } : {}),
    },
  };
}
