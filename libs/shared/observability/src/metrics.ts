import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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

/** The BullMQ states a queue-depth series is exported for (`prioritized` holds jobs with a priority, not `waiting`). */
export const QUEUE_DEPTH_STATES = ['waiting', 'prioritized', 'delayed', 'active'] as const;
export type QueueDepthState = (typeof QUEUE_DEPTH_STATES)[number];

/** How long a scrape waits for the queue counts before it answers without them. */
export const QUEUE_DEPTH_READ_TIMEOUT_MS = 2_000;

/**
 * `validahub_queue_jobs{plan,state}`, read from Redis at scrape time (never cached: autoscaling
 * acts on it). `read` returns each plan's counts; a plan missing a state reports 0. When Redis
 * does not answer within the timeout the series are left out of that scrape (stale counts would
 * mislead the autoscaler) and the rest of the scrape still answers.
 */
export function queueDepthGauge(
  registry: Registry,
  read: () => Promise<Array<{ plan: string; counts: Partial<Record<string, number>> }>>,
  timeoutMs = QUEUE_DEPTH_READ_TIMEOUT_MS,
): Gauge<'plan' | 'state'> {
  return new Gauge({
    name: 'validahub_queue_jobs',
    help: 'Jobs in each plan queue by BullMQ state (waiting + prioritized are ready to run)',
    labelNames: ['plan', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), timeoutMs)));
      const depths = await Promise.race([read().catch(() => null), timeout]).finally(() => clearTimeout(timer));
      for (const { plan, counts } of depths ?? []) {
        for (const state of QUEUE_DEPTH_STATES) this.set({ plan, state }, counts[state] ?? 0);
      }
    },
  });
}
