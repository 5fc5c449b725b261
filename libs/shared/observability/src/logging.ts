import type { IncomingMessage } from 'node:http';
import type { Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import type { Options as HttpLoggerOptions } from 'pino-http';
import { CORRELATION_ID_HEADER, resolveCorrelationId } from './correlation-id';
import { prettyTransport } from './log-format';
import { traceLogFields } from './tracing/spans';

export interface LoggingOptions {
  level: string;
  service: string;
  /** One-line text through pino-pretty instead of JSON (see wantsPrettyLogs). */
  pretty?: boolean;
  /**
   * JSON lines to stdout gathered into writes of about this many bytes (and at least once a
   * second) instead of one write per line; flushed on exit. 0 (default): one write per line.
   */
  bufferBytes?: number;
  /** Tracing is on: every line logged inside a span carries its `trace_id` and `span_id`. */
  traceIds?: boolean;
}

/** How often a buffered log stream is flushed even when its buffer is not full. */
const LOG_FLUSH_INTERVAL_MS = 1_000;

/**
 * The request and response as a request line shows them: what was asked and how it ended.
 * Headers stay out: serialising (and redacting) them for every request cost more than the rest of
 * the line, and the correlation id already ties the line to everything else.
 */
const lean = {
  req: (req: { method?: string; url?: string; remoteAddress?: string }) => ({ method: req.method, url: req.url, remote_address: req.remoteAddress }),
  res: (res: { statusCode?: number }) => ({ status_code: res.statusCode }),
};

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
  const httpOptions: HttpLoggerOptions = {
    level: options.level,
    base: { service: options.service },
    genReqId: (req: IncomingMessage & { id?: unknown }) =>
      typeof req.id === 'string' ? req.id : resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]).id,
    customProps: (req: IncomingMessage & { id?: unknown }) => ({ correlation_id: req.id }),
    // Probes and scrapes would drown the useful lines.
    autoLogging: { ignore: (req) => /^\/(health|metrics)/.test(req.url ?? '') },
    serializers: lean,
    // API keys travel in Authorization or X-API-Key, result downloads redirect to presigned URLs:
    // never in a log line (should a line carry headers).
    redact: { paths: REDACTED_PATHS, censor: censorLogValue },
    // Only with tracing on: off, a line costs nothing more than before.
    ...(options.traceIds ? { mixin: traceLogFields } : {}),
  };
  if (options.pretty) return { pinoHttp: { ...httpOptions, transport: prettyTransport() } };
  if (!options.bufferBytes) return { pinoHttp: httpOptions };
  return { pinoHttp: [httpOptions, bufferedStdout(options.bufferBytes)] };
}

/** stdout through a buffer (pino flushes it on exit), flushed at least once a second. */
function bufferedStdout(bytes: number): DestinationStream {
  const stream = pino.destination({ dest: 1, sync: false, minLength: bytes });
  setInterval(() => stream.flush(), LOG_FLUSH_INTERVAL_MS).unref();
  return stream;
}
