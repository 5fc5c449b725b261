import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@validahub/config';
import { createTaskRegistry } from '@validahub/jobs-tasks';
import { API_KEY_HEADER_SCHEME, BEARER_SCHEME } from './api-responses';
import { toNullTypes } from './nullable-31';
import { documentRateLimitHeaders } from './rate-limit-headers-doc';
import { ProblemView } from './problem.view';
import { taskRequestSchemas } from './task-params-schemas';

export const DOCS_PATH = 'docs';
/** Where the document is served as JSON (next to the UI at /docs). */
export const DOCS_JSON_PATH = `/${DOCS_PATH}-json`;

const DESCRIPTION = [
  'Asynchronous validation and correction of marketplace product-feed CSVs.',
  '',
  'Upload a CSV (`uploadFile`), create a job with its `uri` as `params.input_uri` (`createJob`),',
  'follow it (`getJob`, `getJobEvents`) and download the report or the corrected CSV (`getJobResultContent`).',
  '',
  'Every error is `application/problem+json` (RFC 9457) with `type`, `title`, `status`, `detail`,',
  '`errors[]` for bad fields, and the request’s `correlation_id`. Send `X-Correlation-Id` to choose it.',
].join('\n');

const CREATE_EXAMPLES = {
  validate: {
    summary: 'Validate an uploaded feed for Mercado Livre',
    value: {
      task: 'validate_csv_job',
      params: { input_uri: 'uploads/2026/01/0b7c.csv', marketplace: 'mercado_livre', category: 'electronics', auto_fix: true },
      plan: 'pro',
      idempotency_key: 'upload-xyz-123',
    },
  },
  correct: {
    summary: 'Correct the shared sample',
    value: { task: 'correct_csv_job', params: { input_uri: 'samples/sample.csv', marketplace: 'mercado_livre' } },
  },
};

/**
 * The OpenAPI 3.1 document served at /docs-json. Built from the controllers' decorators, then
 * completed with what decorators cannot say: each task's params (from its definition, for the
 * tasks this deployment accepts), the RateLimit headers on every answer of a rate-limited route,
 * and JSON Schema null types.
 */
export function buildOpenApiDocument(app: INestApplication, config: AppConfig): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('ValidaHub Jobs API')
    .setDescription(DESCRIPTION)
    .setVersion('1.1')
    .setLicense('Proprietary', 'https://validahub.dev/terms')
    .addServer('/', 'This gateway')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'vh_… API key', description: 'An API key: `Authorization: Bearer vh_…`.' },
      BEARER_SCHEME,
    )
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key', description: 'The same API key in `X-API-Key`.' }, API_KEY_HEADER_SCHEME)
    .build();
  const document = SwaggerModule.createDocument(app, builder, { extraModels: [ProblemView] });
  const schemas = document.components?.schemas ?? {};
  const registry = createTaskRegistry({ includeTestTasks: config.worker.enableTestTasks });
  Object.assign(schemas, taskRequestSchemas(registry, schemas.CreateJobDto as Record<string, unknown>));
  delete schemas.CreateJobDto;
  const create = document.paths['/api/v1/jobs']?.post;
  if (create?.requestBody && 'content' in create.requestBody) {
    create.requestBody.content['application/json'] = { schema: { $ref: '#/components/schemas/CreateJobRequest' }, examples: CREATE_EXAMPLES };
  }
  return toNullTypes(documentRateLimitHeaders(document));
}
