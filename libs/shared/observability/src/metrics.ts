import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

export interface MetricsRegistryOptions {
  /** Labels added to every series (e.g. `{ service: 'gateway' }`). */
  defaultLabels?: Record<string, string>;
  /** Process metrics (CPU, memory, event loop lag); off in tests that build many registries. */
  processMetrics?: boolean;
}

/** A registry of its own per application instance, so two apps in one process never collide. */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): Registry {
  const registry = new Registry();
  if (options.defaultLabels) registry.setDefaultLabels(options.defaultLabels);
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  return registry;
}

/** Request durations by method, route pattern (never the raw URL: ids would explode cardinality) and status. */
export function httpDurationHistogram(registry: Registry, name = 'http_request_duration_seconds'): Histogram<'method' | 'route' | 'status_code'> {
  return new Histogram({
    name,
    help: 'HTTP request duration in seconds',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
}

export function counter<L extends string>(registry: Registry, name: string, help: string, labelNames: readonly L[]): Counter<L> {
  return new Counter({ name, help, labelNames, registers: [registry] });
}

export function histogram<L extends string>(
  registry: Registry,
  name: string,
  help: string,
  labelNames: readonly L[],
  buckets: number[],
): Histogram<L> {
  return new Histogram({ name, help, labelNames, buckets, registers: [registry] });
}
