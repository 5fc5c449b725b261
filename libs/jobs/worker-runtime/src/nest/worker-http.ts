import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { WorkerHttpEndpoint } from '../http/worker-http-endpoint';
import { WorkerMetrics } from '../http/worker-metrics';
import { WorkerConnections } from '../runtime/worker-connections';
import { WORKER_SETTINGS, WorkerSettings } from '../runtime/worker-settings';
import { WorkerLifecycle } from './worker-lifecycle';

const REDIS_PING_TIMEOUT_MS = 1_000;

/**
 * Opens the worker's health and metrics port (WORKER_HTTP_PORT) as soon as the module exists, so
 * liveness answers while the runtime starts; readiness turns true once it serves its queues and
 * false when it starts draining. Closed last, after the drain.
 */
@Injectable()
export class WorkerHttp implements OnModuleInit, OnApplicationShutdown {
  endpoint?: WorkerHttpEndpoint;

  constructor(
    @Inject(WORKER_SETTINGS) private readonly settings: WorkerSettings,
    @Inject(WorkerMetrics) private readonly metrics: WorkerMetrics,
    @Inject(WorkerConnections) private readonly connections: WorkerConnections,
    @Inject(WorkerLifecycle) private readonly lifecycle: WorkerLifecycle,
  ) {}

  async onModuleInit(): Promise<void> {
    const port = this.settings.config.worker.httpPort;
    if (port === undefined) return;
    this.endpoint = new WorkerHttpEndpoint({
      port,
      registry: this.metrics.registry,
      logger: this.settings.logger,
      ready: () => this.readiness(),
    });
    await this.endpoint.listen();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.endpoint?.close();
  }

  private async readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> {
    const runtime = this.lifecycle.serving ? 'up' : 'down';
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('timeout'), REDIS_PING_TIMEOUT_MS)));
    const ping = this.connections.publisher.ping().then(
      (reply) => (reply === 'PONG' ? 'up' : `unexpected reply ${reply}`),
      (error: Error) => `down: ${error.message}`,
    );
    const redis = await Promise.race([ping, timeout]).finally(() => clearTimeout(timer));
    return { ready: runtime === 'up' && redis === 'up', checks: { runtime, redis } };
  }
}
