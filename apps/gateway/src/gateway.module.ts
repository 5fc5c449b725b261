import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@validahub/config';
import { createMetricsRegistry, pinoLoggerParams } from '@validahub/observability';
import { EventApplier } from './events/event-applier';
import { FilesController } from './files/files.controller';
import { FilesService } from './files/files.service';
import { GATEWAY_CONFIG, GATEWAY_OPTIONS, GatewayOptions, METRICS_REGISTRY, resolveOptions } from './gateway-options';
import { HealthController } from './health/health.controller';
import { gatewayIdempotencyModule } from './idempotency/gateway-idempotency';
import { infraProviders, InfraShutdown } from './infra/infra.providers';
import { JobCanceller } from './jobs/job-canceller';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { Reconciler } from './reconciler/reconciler';

/** The jobs API (idempotent create included), event applier, reconciler, health and metrics, wired from one AppConfig. */
@Module({})
export class JobsApiModule {
  static forRoot(config: AppConfig, options: GatewayOptions = {}): DynamicModule {
    const resolved = resolveOptions(options);
    return {
      module: JobsApiModule,
      global: true,
      imports: [
        LoggerModule.forRoot(pinoLoggerParams({ level: config.http.logLevel, service: 'gateway' })),
        TerminusModule.forRoot({ logger: false }),
        gatewayIdempotencyModule(config, resolved.idempotency),
      ],
      controllers: [JobsController, FilesController, HealthController, MetricsController],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_OPTIONS, useValue: resolved },
        {
          provide: METRICS_REGISTRY,
          useFactory: () => createMetricsRegistry({ processMetrics: resolved.processMetrics, defaultLabels: { service: 'gateway' } }),
        },
        ...infraProviders,
        InfraShutdown,
        GatewayMetrics,
        JobsService,
        FilesService,
        JobCanceller,
        EventApplier,
        Reconciler,
      ],
      exports: [GATEWAY_CONFIG, METRICS_REGISTRY, GatewayMetrics, JobsService, ...infraProviders.map((p) => (typeof p === 'function' ? p : p.provide))],
    };
  }
}
