import type { NodeSDK, NodeSDKConfiguration } from '@opentelemetry/sdk-node';

type SpanProcessor = NonNullable<NodeSDKConfiguration['spanProcessors']>[number];

export interface TracingOptions {
  /** Spans are recorded and exported; false: nothing is loaded and every span call is the API's no-op. */
  enabled: boolean;
  /** `service.name` of every span (OTEL_SERVICE_NAME wins when set). */
  serviceName: string;
  /**
   * Instrument outgoing HTTP calls and `pg` (the gateway); they must load after this call. Incoming
   * requests are the app's own spans (the instrumentation's cost too much: see the gateway's request-spans.ts).
   */
  instrumentHttpAndPostgres?: boolean;
  /** Where the SDK reads OTEL_* from: the process environment plus these (a `.env` file's), never overriding it. */
  env?: Record<string, string | undefined>;
  /** Instead of the exporters OTEL_TRACES_EXPORTER names (tests: an in-memory exporter). */
  spanProcessors?: SpanProcessor[];
}

let sdk: NodeSDK | undefined;

/**
 * Starts OpenTelemetry's Node SDK: traces only (the apps' metrics are Prometheus), exported as the
 * standard OTEL_* variables say (OTLP by default, through a batch span processor), W3C
 * `traceparent` propagation, AsyncLocalStorage context. Call it before the instrumented modules
 * (`http`, `pg`) are loaded. Off, the SDK packages are not even required: no memory, no cost.
 */
export function startTracing(options: TracingOptions): boolean {
  if (!options.enabled || sdk) return Boolean(sdk);
  // The SDK reads OTEL_* from process.env itself: a `.env` file's values must be visible there too.
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (name.startsWith('OTEL_') && value !== undefined && process.env[name] === undefined) process.env[name] = value;
  }
  // Required lazily: with tracing off, none of the SDK is loaded.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node');
  sdk = new NodeSDK({
    serviceName: process.env.OTEL_SERVICE_NAME || options.serviceName,
    instrumentations: options.instrumentHttpAndPostgres ? httpAndPostgres() : [],
    // Traces only: the SDK would otherwise start OTLP metric and log exporters of its own.
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  sdk.start();
  return true;
}

/** Exports the spans still buffered and stops the SDK (shutdown): a no-op when tracing is off. */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown();
}

export function tracingStarted(): boolean {
  return sdk !== undefined;
}

function httpAndPostgres() {
  const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http');
  const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg') as typeof import('@opentelemetry/instrumentation-pg');
  return [
    // Outgoing calls only (S3 through the AWS SDK), and only inside a trace: no root span per S3 ping.
    new HttpInstrumentation({ disableIncomingRequestInstrumentation: true, requireParentforOutgoingSpans: true }),
    // Statements inside a trace only: background sweeps make no root spans of their own. A pool
    // checkout is not a span of its own (a third of the spans of a create, for little news).
    new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
  ];
}
