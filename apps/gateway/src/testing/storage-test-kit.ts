// Test-only helpers for the upload/result suites: S3 buckets on the test server, multipart
// bodies for app.inject(), an in-process worker and a small feed with fixable rows.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@validahub/config';
import type { Plan } from '@validahub/jobs-domain';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { TEST_S3_ENDPOINT } from '@validahub/testing';
import { waitFor } from './gateway-harness';

export function s3Env(bucket: string, endpoint = TEST_S3_ENDPOINT): Record<string, string> {
  return {
    S3_ENDPOINT: endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    RESULTS_URI: `s3://${bucket}/results/`,
  };
}

export function testS3Client(endpoint = TEST_S3_ENDPOINT): S3Client {
  return new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function createBucket(client: S3Client, bucket: string): Promise<void> {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
  return (page.Contents ?? []).map((item) => item.Key ?? '');
}

export async function readObject(client: S3Client, uri: string): Promise<string> {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match) throw new Error(`not an s3 uri: ${uri}`);
  const object = await client.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
  if (!object.Body) throw new Error(`no body for ${uri}`);
  return object.Body.transformToString();
}

/** One delete at a time: s3rver's batch delete races on shared folders. */
export async function dropBucket(client: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const keys = await listKeys(client, bucket);
    if (keys.length === 0) break;
    for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/** A multipart/form-data body with one file part (or none), for app.inject(). */
export function multipartBody(
  file: { content: string | Buffer; fileName?: string; contentType?: string; field?: string } | null,
  fields: Record<string, string> = {},
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----vh${randomUUID().replace(/-/g, '')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  if (file) {
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.fileName ?? 'feed.csv'}"\r\n` +
      `Content-Type: ${file.contentType ?? 'text/csv'}\r\n\r\n`;
    chunks.push(Buffer.from(head), Buffer.from(file.content), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A Mercado Livre feed: one clean row, rows auto-fix repairs (price, condition, spaces) and one real error. */
export const SAMPLE_FEED = [
  'sku,title,description,price,currency,available_quantity,condition,brand,model,gtin,pictures',
  'SKU-1,Smartphone Samsung M1,"Produto original",199.90,BRL,10,new,Samsung,M1,7890000000017,https://http2.mlstatic.com/D_1-O.jpg',
  'SKU-2,Carregador LG M2,"Produto original","R$ 59,90",BRL,5,Novo,LG,M2,7890000000024,https://http2.mlstatic.com/D_2-O.jpg',
  'SKU-3,  Fone   Philips M3 ,"Produto original",89.00,BRL,3,used,Philips,M3,7890000000031,https://http2.mlstatic.com/D_3-O.jpg',
  'SKU-4,Notebook Positivo M4,"Produto original",2999.00,BRL,-3,new,Positivo,M4,7890000000048,https://http2.mlstatic.com/D_4-O.jpg',
  '',
].join('\n');

export async function upload(
  app: NestFastifyApplication,
  content: string | Buffer,
  options: { fileName?: string; contentType?: string; field?: string } = {},
) {
  const body = multipartBody({ content, ...options });
  return app.inject({ method: 'POST', url: '/api/v1/files', payload: body.payload, headers: body.headers });
}

export async function createJob(app: NestFastifyApplication, task: string, params: Record<string, unknown>) {
  return app.inject({ method: 'POST', url: '/api/v1/jobs', payload: { task, params, plan: 'free' } });
}

export interface JobJson {
  id: string;
  status: string;
  attempts: number;
  result_ref: string | null;
  summary: Record<string, unknown> | null;
  error: { code: string; message: string; retryable: boolean } | null;
}

export async function waitForTerminal(app: NestFastifyApplication, id: string, ms = 30_000): Promise<JobJson> {
  return waitFor(
    async () => {
      const job = (await app.inject({ method: 'GET', url: `/api/v1/jobs/${id}` })).json() as JobJson;
      return ['succeeded', 'failed', 'cancelled', 'expired'].includes(job.status) ? job : undefined;
    },
    ms,
    `job ${id} to finish`,
  );
}

/** A worker serving the given plans with the production handlers in their sandbox (storage confined per job), built from the same config as the gateway. */
export async function startWorker(config: AppConfig, plans: Plan[] = ['free']): Promise<WorkerRuntime> {
  const runtime = new WorkerRuntime({ config, plans });
  await runtime.start();
  return runtime;
}

/** Where attempt `attempt` of job `id` stores a part (`report.json`, `corrected.csv`, ...): a pattern, the run id being random. */
export function resultKey(prefix: string, id: string, file: string, attempt = 1): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`^${escape(prefix)}/${id}/attempt-${attempt}/[0-9a-f]{12}/${escape(file)}$`);
}
