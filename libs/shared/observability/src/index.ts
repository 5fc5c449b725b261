export {
  CORRELATION_ID_HEADER,
  MAX_CORRELATION_ID_LENGTH,
  isValidCorrelationId,
  resolveCorrelationId,
  type CorrelationIdResolution,
} from './correlation-id';
export { pinoLoggerParams, type LoggingOptions } from './logging';
export {
  createMetricsRegistry,
  httpDurationHistogram,
  counter,
  histogram,
  queueDepthGauge,
  QUEUE_DEPTH_STATES,
  type QueueDepthState,
  type MetricsRegistryOptions,
} from './metrics';
export { prettyTransport, wantsPrettyLogs } from './log-format';
export { startTracing, stopTracing, tracingStarted, type TracingOptions } from './tracing/start-tracing';
export {
  context,
  contextFromHeaders,
  contextFromTraceparent,
  contextWithSpan,
  currentTraceparent,
  markFailed,
  recordTimedSpan,
  ROOT_CONTEXT,
  SpanKind,
  startSpan,
  traceLogFields,
  withSpan,
  type Context,
  type Span,
  type SpanOptions,
  type TimedSpan,
} from './tracing/spans';
