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
      // API keys travel in Authorization or X-API-Key: never in a log line.
      redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers.cookie'],
      ...(options.pretty ? { transport: prettyTransport() } : {}),
    },
  };
}
