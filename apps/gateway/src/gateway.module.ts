import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '@validahub/config';
import { createMetricsRegistry, pinoLoggerParams, tracingStarted, wantsPrettyLogs } from '@validahub/observability';
import { AdminController } from './admin/admin.controller';
import { authProviders } from './auth/auth.providers';
import { eventApplierProviders } from './events/event-applier.providers';
import { FilesController } from './files/files.controller';
import { FilesService } from './files/files.service';
import { GatewayOptions, resolveGatewayOptions } from './gateway-options';
import { GATEWAY_CONFIG, GATEWAY_OPTIONS, METRICS_REGISTRY } from './gateway.tokens';
import { HealthController } from './health/health.controller';
import { gatewayIdempotencyModule } from './idempotency/gateway-idempotency';
import { InfraShutdown } from './infra/infra-shutdown';
import { infraProviders } from './infra/infra.providers';
import { newJobEnqueuerProvider } from './jobs/crash-after-insert';
import { JobBatchCreator } from './jobs/batch/job-batch-creator';
import { JobCanceller } from './jobs/job-canceller';
import { JobCreator } from './jobs/job-creator';
import { JobEnqueuer } from './jobs/job-enqueuer';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { limitsProviders } from './limits/limits.providers';
import { RateLimits } from './limits/rate-limits';
import { ResultContentService } from './jobs/result-content.service';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { MetricsController } from './metrics/metrics.controller';
import { Reconciler } from './reconciler/reconciler';
import { WebAppController } from './web/web-app.controller';
import { tenancyProviders } from './tenancy/tenancy.providers';
import { SchedulesController } from './schedules/schedules.controller';
import { scheduleProviders } from './schedules/schedules.providers';
import { JobStreamController } from './stream/job-stream.controller';
import { streamProviders } from './stream/stream.providers';
import { WebhooksController } from './webhooks/webhooks.controller';
import { webhookProviders } from './webhooks/webhooks.providers';
import { compositionControllers, compositionProviders } from './workflows/composition.providers';

const LOG_BUFFER_BYTES = 4_096;

/**
 * The jobs API (idempotent create included), uploads, tenants and API keys (the global auth
 * guard and the admin routes), event applier, reconciler, health and metrics, wired from one AppConfig.
 */
@Module({})
export class GatewayModule {
  static forRoot(config: AppConfig, options: GatewayOptions = {}): DynamicModule {
    const resolved = resolveGatewayOptions(options);
    return {
      module: GatewayModule,
      global: true,
      imports: [
        LoggerModule.forRoot(
          pinoLoggerParams({
            level: config.http.logLevel,
            service: 'gateway',
            pretty: wantsPrettyLogs(config.http.logFormat, config.http.nodeEnv, process.stdout.isTTY),
            // One line per request: gathered into ~4 KiB writes instead of a write per line.
            bufferBytes: LOG_BUFFER_BYTES,
            traceIds: tracingStarted(),
          }),
        ),
        TerminusModule.forRoot({ logger: false }),
        gatewayIdempotencyModule(config, resolved.idempotency),
      ],
      controllers: [
        JobsController,
        JobStreamController,
        ...compositionControllers,
        FilesController,
        AdminController,
        HealthController,
        MetricsController,
        WebAppController,
        WebhooksController,
        SchedulesController,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: GATEWAY_OPTIONS, useValue: resolved },
        {
          provide: METRICS_REGISTRY,
          useFactory: () => createMetricsRegistry({ processMetrics: resolved.processMetrics, defaultLabels: { service: 'gateway' } }),
        },
        ...infraProviders,
        ...tenancyProviders,
        ...authProviders,
        ...limitsProviders,
        InfraShutdown,
        GatewayMetrics,
        JobEnqueuer,
        newJobEnqueuerProvider(config),
        JobCreator,
        JobBatchCreator,
        JobsService,
        ResultContentService,
        JobCanceller,
        FilesService,
        ...compositionProviders,
        Reconciler,
        ...streamProviders,
        ...webhookProviders,
        ...scheduleProviders,
        ...eventApplierProviders(resolved),
      ],
      exports: [
        GATEWAY_CONFIG,
        METRICS_REGISTRY,
        GatewayMetrics,
        JobsService,
        RateLimits,
        ...infraProviders.map((p) => (typeof p === 'function' ? p : p.provide)),
      ],
    };
  }
}
