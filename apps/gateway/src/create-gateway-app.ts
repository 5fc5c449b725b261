import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@validahub/config';
import { JobQueues } from '@validahub/jobs-queueing';
import { OperatorAccess } from './auth/operator-access';
import { mountQueueDashboard, QUEUE_DASHBOARD_PATH } from './dashboard/queue-dashboard';
import { FILES_ROUTE } from './files/files.controller';
import { registerMultipart } from './files/multipart-setup';
import { GatewayModule } from './gateway.module';
import { GatewayOptions } from './gateway-options';
import { createFastifyAdapter, installHttpHooks } from './http/fastify-setup';
import { installRequestSpans } from './http/request-spans';
import { installShutdownDrain } from './http/shutdown-drain';
import { registerSecurityHeaders } from './http/security-headers';
import { installSlowClientCuts } from './http/slow-clients';
import { ProblemFilter } from './http/problem.filter';
import { createValidationPipe } from './http/validation';
import { GatewayMetrics } from './metrics/gateway-metrics';
import { buildOpenApiDocument, DOCS_PATH } from './openapi/openapi-document';

export interface CreateGatewayAppOptions extends GatewayOptions {
  /** More modules to compose in next to the gateway's own (tests add a tenant hook this way). */
  imports?: DynamicModule[];
}

/**
 * Builds and initialises the gateway (not listening): main.ts calls listen(), tests use
 * app.inject() or listen(0). Throws when Postgres is unreachable or migrations fail.
 */
export async function createGatewayApp(config: AppConfig, options: CreateGatewayAppOptions = {}): Promise<NestFastifyApplication> {
  const { imports = [], ...gatewayOptions } = options;

  // RECONCILE_INTERVAL_MS sets the default; an explicit option (tests) wins.
  const withConfigDefaults = { reconcileIntervalMs: config.execution.reconcileIntervalMs, ...gatewayOptions };
  @Module({ imports: [GatewayModule.forRoot(config, withConfigDefaults), ...imports] })
  class GatewayRootModule {}

  const app = await NestFactory.create<NestFastifyApplication>(GatewayRootModule, createFastifyAdapter(config.http), {
    bufferLogs: true,
    abortOnError: false,
    // Fastify's own JSON parser only; Nest's default would add urlencoded bodies (which must be 415).
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  const problemFilter = new ProblemFilter();
  app.useGlobalFilters(problemFilter);
  app.useGlobalPipes(createValidationPipe());
  // First of the hooks (tracing on), so the others and the handler run inside the request's span.
  installRequestSpans(app.getHttpAdapter().getInstance());
  installHttpHooks(app.getHttpAdapter().getInstance(), app.get(GatewayMetrics));
  // Queue depth per tier from the gateway too: it is scraped even when a tier has no worker running.
  app.get(GatewayMetrics).watchQueueDepth(() => app.get(JobQueues).depths());
  installShutdownDrain(app.getHttpAdapter().getInstance(), config.http.shutdownDrainMs);
  installSlowClientCuts(app.getHttpAdapter().getInstance(), config.http, [`/${FILES_ROUTE}`]);
  await registerSecurityHeaders(app, config.http);
  await registerMultipart(app, config);
  // The document is always served at /docs-json; the UI (whose static-file plugin jest cannot load) only with `docs`.
  // Built on the first request for it, not at start-up: a gateway nobody asks for its docs never holds it.
  SwaggerModule.setup(DOCS_PATH, app, () => buildOpenApiDocument(app, config), { ui: options.docs ?? true, raw: ['json'] });
  if (options.dashboard ?? true) {
    const operators = app.get(OperatorAccess);
    await mountQueueDashboard(app.getHttpAdapter().getInstance(), app.get(JobQueues).all(), {
      basePath: QUEUE_DASHBOARD_PATH,
      authorize: async (request, reply) => {
        try {
          await operators.authorize(request, 'dashboard');
          return undefined;
        } catch (error) {
          return problemFilter.reply(error, request, reply);
        }
      },
    });
  }
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}
