import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpenAPIObject } from '@nestjs/swagger';
import { AppConfig, loadConfig } from '@validahub/config';
import { GatewayModule } from '../gateway.module';
import { buildOpenApiDocument } from './openapi-document';

/**
 * The document as a gateway with `config` serves it, built without any server: Nest's preview
 * mode resolves the module graph (controllers, decorators) but runs no provider, so no
 * database or Redis is needed. The client's types are generated from this.
 */
export async function openApiDocumentOffline(config: AppConfig = loadConfig({})): Promise<OpenAPIObject> {
  @Module({ imports: [GatewayModule.forRoot(config)] })
  class DocumentRootModule {}
  const app = await NestFactory.create<NestFastifyApplication>(DocumentRootModule, new FastifyAdapter(), {
    preview: true,
    logger: false,
    abortOnError: false,
  });
  try {
    return buildOpenApiDocument(app, config);
  } finally {
    await app.close();
  }
}

/** The document as stable JSON text (2-space indent, trailing newline), as committed. */
export function openApiJson(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

// `node -r @swc-node/register apps/gateway/src/openapi/write-openapi.ts [out.json]`: the production document (no test tasks).
if (require.main === module) {
  openApiDocumentOffline()
    .then((document) => {
      const out = process.argv[2];
      if (out) writeFileSync(out, openApiJson(document));
      else process.stdout.write(openApiJson(document));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
