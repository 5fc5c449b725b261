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
