import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One span as an OTLP/JSON export carries it, flattened with its service name. */
export interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}

interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: { key: string; value: OtlpValue }[];
        status?: { code?: number };
      }[];
    }[];
  }[];
}

/**
 * An OTLP/HTTP traces endpoint in the test's own process, for apps started as child processes:
 * `POST /v1/traces`. JSON exports (OTEL_EXPORTER_OTLP_PROTOCOL=http/json) are decoded into
 * `spans`; protobuf ones (the default protocol) are only counted (a benchmark's sink). Answers
 * 200 like a collector.
 */
export class OtlpReceiver {
  readonly spans: ReceivedSpan[] = [];
  requests = 0;
  bytes = 0;
  /** Spans received in either encoding. */
  spanCount = 0;
  /** Exports that could not be decoded (answered 400). */
  malformed = 0;
  /** Base URL to give as OTEL_EXPORTER_OTLP_ENDPOINT. */
  url = '';
  private readonly server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      try {
        this.take(req, body);
        res.writeHead(req.url === '/v1/traces' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
      } catch (error) {
        // What a collector answers a body it cannot decode; counted, so a test can see it.
        this.malformed += 1;
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ message: String(error) }));
      }
    });
  });

  /** A receiver listening on a free loopback port. */
  static async start(): Promise<OtlpReceiver> {
    const receiver = new OtlpReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}`;
    return receiver;
  }

  /** Every span of one trace. */
  trace(traceId: string): ReceivedSpan[] {
    return this.spans.filter((span) => span.traceId === traceId);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private take(req: IncomingMessage, body: Buffer): void {
    if (req.method !== 'POST' || req.url !== '/v1/traces') return;
    this.requests += 1;
    this.bytes += body.length;
    if (!(req.headers['content-type'] ?? '').includes('json')) {
      this.spanCount += countProtobufSpans(body);
      return;
    }
    const exported = JSON.parse(body.toString('utf8')) as OtlpExport;
    for (const resourceSpans of exported.resourceSpans ?? []) {
      const service = String(valueOf(resourceSpans.resource?.attributes?.find((a) => a.key === 'service.name')?.value) ?? '');
      for (const scope of resourceSpans.scopeSpans ?? []) {
        for (const span of scope.spans ?? []) {
          this.spans.push({
            service,
            name: span.name,
            traceId: span.traceId,
            spanId: span.spanId,
            parentSpanId: span.parentSpanId ?? '',
            kind: span.kind,
            attributes: Object.fromEntries((span.attributes ?? []).map((a) => [a.key, valueOf(a.value)])),
            statusCode: span.status?.code ?? 0,
          });
          this.spanCount += 1;
        }
      }
    }
  }
}

/**
 * Spans in a protobuf ExportTraceServiceRequest, read from the wire format without a schema:
 * resource_spans (field 1) -> scope_spans (field 2) -> spans (field 2).
 */
export function countProtobufSpans(message: Uint8Array): number {
  let count = 0;
  for (const resourceSpans of fields(message, 1)) for (const scopeSpans of fields(resourceSpans, 2)) count += fields(scopeSpans, 2).length;
  return count;
}

/** The length-delimited values of field `wanted` in one protobuf message (other fields skipped). */
function fields(message: Uint8Array, wanted: number): Uint8Array[] {
  const found: Uint8Array[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      if (at >= message.length) throw new Error('truncated protobuf varint');
      const byte = message[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < message.length) {
    const key = varint();
    const wireType = key % 8;
    if (wireType === 0) varint();
    else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else if (wireType === 2) {
      const length = varint();
      if (Math.floor(key / 8) === wanted) found.push(message.subarray(at, at + length));
      at += length;
    } else throw new Error(`unsupported protobuf wire type ${wireType}`);
  }
  return found;
}

function valueOf(value: OtlpValue | undefined): string | number | boolean {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  return value.boolValue ?? '';
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', () => resolve(Buffer.concat(chunks)));
  });
}
