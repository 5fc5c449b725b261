import { PassThrough, type Readable } from 'node:stream';
import type { Agent } from 'undici';
import { discardBody } from './body';
import { ErrorContext, toOutboundError } from './error-mapping';
import { OutboundTimeoutError, TooManyRedirectsError } from './errors';
import { guardedConnector, ResolveHost } from './guarded-connector';
import { Hop, nextHop, REDIRECT_STATUSES } from './redirects';
import { checkTargetUrl, TargetPolicy } from './target-url';
import { undici } from './undici-module';

export interface OutboundClientOptions extends TargetPolicy {
  /** Host name resolution (default: the system resolver). Tests point names at chosen addresses. */
  resolveHost?: ResolveHost;
  /** Time allowed to open a connection, TLS included. Default 10 s. */
  connectTimeoutMs?: number;
  /** Extra certificate authorities to trust, on top of Node's bundled ones. */
  ca?: string | Buffer | Array<string | Buffer>;
}

export type OutboundMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface OutboundRequestOptions {
  method?: OutboundMethod;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /**
   * Redirects to follow, each one checked like the first request. Default 0: a 3xx response is
   * returned as it is (webhooks). Past the limit: TooManyRedirectsError.
   */
  maxRedirects?: number;
  /** The whole exchange, every hop and reading the body included. Default: no limit but the caller's signal. */
  timeoutMs?: number;
  /** The server sending nothing for this long, while we wait for headers or for body data. Default 30 s. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The URL that answered (after redirects). */
  url: string;
  redirects: number;
  /** Must be read or destroyed. Its errors are OutboundErrors (idle or total timeout, connection cut). */
  body: Readable;
}

const DEFAULT_IDLE_MS = 30_000;
const DEFAULT_CONNECT_MS = 10_000;

/**
 * HTTP(S) to third-party targets, safely: every connection goes through the guarded connector
 * (public addresses only, checked at connect time), every URL and redirect through
 * checkTargetUrl. Keeps a connection pool: create one per component and close() it when done.
 */
export class OutboundClient {
  /** Built with the first request, so a client that never sends one never loads undici. */
  private agent?: Agent;
  private readonly policy: TargetPolicy;
  private readonly connectTimeoutMs: number;

  constructor(private readonly options: OutboundClientOptions = {}) {
    this.policy = { allowPrivate: options.allowPrivate ?? false, trustedAddresses: options.trustedAddresses };
    this.connectTimeoutMs = options.connectTimeoutMs ?? DEFAULT_CONNECT_MS;
  }

  private dispatcher(): Agent {
    this.agent ??= new (undici().Agent)({
      connect: guardedConnector({
        allowPrivate: this.policy.allowPrivate ?? false,
        trustedAddresses: this.options.trustedAddresses,
        resolveHost: this.options.resolveHost,
        connectTimeoutMs: this.connectTimeoutMs,
        ca: this.options.ca,
      }),
    });
    return this.agent;
  }

  async request(target: string | URL, options: OutboundRequestOptions = {}): Promise<OutboundResponse> {
    const maxRedirects = options.maxRedirects ?? 0;
    const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_MS;
    const deadline = totalDeadline(options.timeoutMs);
    const signals = [deadline?.signal, options.signal].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length ? AbortSignal.any(signals) : undefined;
    let hop: Hop = { url: checkTargetUrl(target, this.policy), method: options.method ?? 'GET', headers: { ...options.headers }, body: options.body };
    const context = (): ErrorContext => ({ url: hop.url.href, idleTimeoutMs, connectTimeoutMs: this.connectTimeoutMs, callerSignal: options.signal });
    try {
      for (let redirects = 0; ; redirects++) {
        const answer = await undici().request(hop.url, {
          dispatcher: this.dispatcher(),
          method: hop.method as OutboundMethod,
          headers: hop.headers,
          body: hop.body,
          signal,
          headersTimeout: idleTimeoutMs,
          bodyTimeout: idleTimeoutMs,
        });
        const location = answer.headers.location;
        if (maxRedirects === 0 || !REDIRECT_STATUSES.has(answer.statusCode) || typeof location !== 'string') {
          const body = mappedBody(
            answer.body,
            (e) => toOutboundError(e, context()),
            () => deadline?.clear(),
          );
          return { status: answer.statusCode, headers: answer.headers, url: hop.url.href, redirects, body };
        }
        discardBody(answer.body);
        if (redirects >= maxRedirects) throw new TooManyRedirectsError(maxRedirects, { url: hop.url.href });
        hop = nextHop(hop, answer.statusCode, location, this.policy);
      }
    } catch (error) {
      deadline?.clear();
      throw toOutboundError(error, context());
    }
  }

  /** Closes the pooled connections; requests in flight finish first. */
  close(): Promise<void> {
    return this.agent?.close() ?? Promise.resolve();
  }

  /** Closes every connection at once, cutting requests in flight (after a failure, on cancel). */
  destroy(): Promise<void> {
    return this.agent?.destroy() ?? Promise.resolve();
  }
}

/** An abort signal that fires OutboundTimeoutError('total') after `ms`; clear() once the exchange is over. */
function totalDeadline(ms: number | undefined): { signal: AbortSignal; clear(): void } | null {
  if (ms === undefined) return null;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new OutboundTimeoutError('total', ms)), ms);
  return { signal: controller.signal, clear: () => clearTimeout(timer) };
}

/** The response body with its errors sorted; ending, failing or being destroyed releases the connection and the deadline. */
function mappedBody(source: Readable, mapError: (error: unknown) => unknown, onClose: () => void): Readable {
  const out = new PassThrough();
  source.on('error', (error) => out.destroy(mapError(error) as Error));
  out.on('close', () => {
    source.destroy();
    onClose();
  });
  source.pipe(out);
  return out;
}
