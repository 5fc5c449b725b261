// Test-only: the gateway's services wired to typed in-memory fakes, for fast unit tests
// (in the spirit of Immich's newTestService). Each call builds everything afresh.
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { Counter, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { loadConfig } from '@validahub/config';
import { createTaskRegistry } from '@validahub/jobs-tasks';
import type { JobRepository, UnfinishedJobs } from '@validahub/jobs-persistence';
import type { JobEventConsumer, JobQueues } from '@validahub/jobs-queueing';
import { createStorageFromConfig } from '@validahub/storage';
import { EventApplier } from '../events/event-applier';
import { GatewayOptions, resolveGatewayOptions } from '../gateway-options';
import { JobCreator } from '../jobs/job-creator';
import { JobEnqueuer } from '../jobs/job-enqueuer';
import { RunningLimits } from '../limits/running-limits';
import { UnfinishedJobsQuota } from '../limits/unfinished-jobs-quota';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { Reconciler } from '../reconciler/reconciler';
import type { JobInputs } from '../reports/report-inputs';
import type { TemplateStore } from '../templates/template-store';
import { TemplatesService } from '../templates/templates.service';
import { TenantStorage } from '../tenancy/tenant-storage';
import {
  FakeEventDeadLetters,
  FakeJobEventConsumer,
  FakeLeadership,
  FakeJobEventWriter,
  FakeJobQueues,
  FakeJobRepository,
  FakeJobInputs,
  FakeTemplateStore,
  FakeUnfinishedJobs,
} from './gateway-fakes';

/**
 * The fakes implement only what the services call (each `implements Pick<Real, ...>`), so
 * handing one over where the real class is expected is the one unchecked step, done here.
 */
function as<T>(fake: unknown): T {
  return fake as T;
}

export function newTestServices(env: Record<string, string> = {}, options: GatewayOptions = {}) {
  // Services log through Nest's static logger; unit tests assert on results, not on log lines.
  Logger.overrideLogger(false);
  // Never created: URI checks are lexical up to the nearest existing folder, and nothing is stored.
  const storageRoot = join(tmpdir(), 'vh-unit-storage-root');
  const config = loadConfig({ STORAGE_ROOT: storageRoot, LOG_LEVEL: 'silent', ...env });
  const metrics = new GatewayMetrics(new Registry());
  const registry = createTaskRegistry({ includeTestTasks: config.worker.enableTestTasks });
  const fakes = {
    queues: new FakeJobQueues(),
    jobs: new FakeJobRepository(),
    unfinished: new FakeUnfinishedJobs(),
    consumer: new FakeJobEventConsumer(),
    eventWriter: new FakeJobEventWriter(),
    deadLetters: new FakeEventDeadLetters(),
    leadership: new FakeLeadership(),
    templates: new FakeTemplateStore(),
    jobInputs: new FakeJobInputs(),
  };
  const queues = as<JobQueues>(fakes.queues);
  // No database: no tenant has overrides, so every job gets its plan's running limit.
  const runningLimits = new RunningLimits(config, as<DataSource>({ query: async () => [] }));
  const enqueuer = new JobEnqueuer(config, registry, queues, metrics, runningLimits);
  return {
    config,
    storageRoot,
    metrics,
    fakes,
    enqueuer,
    creator: new JobCreator(
      config,
      registry,
      new TenantStorage(config, createStorageFromConfig(config.storage)),
      as<JobRepository>(fakes.jobs),
      enqueuer,
      metrics,
      new TemplatesService(as<TemplateStore>(fakes.templates), registry),
      as<JobInputs>(fakes.jobInputs),
      // Postgres enforces the quota (a trigger); without a database there is nothing to prepare.
      new UnfinishedJobsQuota(config, as<DataSource>({ query: async () => [] })),
      runningLimits,
    ),
    reconciler: new Reconciler(resolveGatewayOptions(options), as<UnfinishedJobs>(fakes.unfinished), queues, enqueuer, metrics, fakes.leadership),
    applier: new EventApplier(as<JobEventConsumer>(fakes.consumer), fakes.eventWriter.write, metrics, fakes.deadLetters),
  };
}

/** The value of a counter's series with these labels, or how many observations a histogram's series holds. */
export async function metricCount(metric: Counter<string> | Histogram<string>, labels: Record<string, string> = {}): Promise<number> {
  const { name, values } = await metric.get();
  const matching = values.filter(
    (value) =>
      (metric instanceof Counter || (value as { metricName?: string }).metricName === `${name}_count`) &&
      Object.entries(labels).every(([key, expected]) => value.labels[key] === expected),
  );
  return matching.reduce((sum, value) => sum + value.value, 0);
}
