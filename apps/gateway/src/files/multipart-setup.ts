import multipart from '@fastify/multipart';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@validahub/config';
import { FILES_ROUTE } from './files.controller';
import { uploadProblems } from './upload-problems';

/**
 * Registers @fastify/multipart for uploads. Its parser is global in Fastify, so every other
 * route keeps answering multipart bodies with 415 (they take JSON only).
 */
export async function registerMultipart(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  await app.register(multipart, {
    limits: {
      // One byte over the limit lets storeUpload notice the overflow itself (it owns the 413).
      fileSize: config.storage.maxUploadBytes + 1,
      files: 1,
      fields: 10,
      fieldSize: 1024,
      parts: 11,
      headerPairs: 100,
    },
  });
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('preValidation', async (request) => {
      if (request.isMultipart() && request.routeOptions.url !== `/${FILES_ROUTE}`) throw uploadProblems.notJsonRoute();
    });
}
