import type { NodeSDK } from '@opentelemetry/sdk-node';

export interface TracingOptions {
  /** Spans are recorded and exported; false: nothing is loaded and every span call is the API's no-op. */
  enabled: boolean;
  /** `service.name` of every span (OTEL_SERVICE_NAME wins when set). */
  serviceName: string;
  /** Instrument Node's HTTP server and client and `pg` (the gateway); they must load after this call. */
  instrumentHttpAndPostgres?: boolean;
  /** Where the SDK reads OTEL_* from: the process environment plus these (a `.env` file's), never overriding it. */
  env?: Record<string, string | undefined>;
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
    new HttpInstrumentation({
      // Probes and scrapes would drown the useful traces, as they would the logs.
      ignoreIncomingRequestHook: (req) => /^\/(health|metrics)/.test(req.url ?? ''),
      // Outgoing calls are traced only inside a trace (no root span per webhook poll or S3 ping).
      requireParentforOutgoingSpans: true,
    }),
    // Statements are traced inside a trace only: background sweeps make no root spans of their own.
    new PgInstrumentation({ requireParentSpan: true }),
  ];
}
