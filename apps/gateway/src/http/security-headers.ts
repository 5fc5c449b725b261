import helmet from '@fastify/helmet';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { HttpConfig } from '@validahub/config';

/** One year, the usual HSTS max-age. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Security headers on every response (@fastify/helmet): nosniff, Referrer-Policy no-referrer,
 * frame and cross-origin policies, and a Content-Security-Policy (the web page and the stored
 * report page replace it with their own stricter ones). Strict-Transport-Security only on
 * requests that arrived over TLS (directly or, with a trusted proxy, as X-Forwarded-Proto):
 * over plain HTTP it would mean nothing or lock a local setup out. CORS stays off unless
 * CORS_ORIGINS names origins.
 */
export async function registerSecurityHeaders(app: NestFastifyApplication, http: HttpConfig): Promise<void> {
  await app.register(helmet, {
    hsts: false,
    contentSecurityPolicy: {
      useDefaults: true,
      // Plain-HTTP deployments (localhost) must keep loading their own scripts.
      directives: { 'upgrade-insecure-requests': null },
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', async (request, reply) => {
      if (request.protocol === 'https') void reply.header('Strict-Transport-Security', HSTS);
    });
  if (http.corsOrigins.length) {
    app.enableCors({ origin: http.corsOrigins, exposedHeaders: ['Location', 'Retry-After', 'RateLimit', 'RateLimit-Policy', 'X-Correlation-Id'] });
  }
}
