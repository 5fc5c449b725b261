// A tiny Nest-on-Fastify app used only by this library's integration tests: two routes that
// use @Idempotent() differently, to show the library is not tied to one route or one table.
//  - POST /widgets: records its response with completeWithin() in the transaction that inserts
//    the widget (the jobs-style "row and key commit together" path).
//  - POST /notes: plain handler; the library stores whatever response goes out.
import {
  BadRequestException,
  Body,
  Controller,
  HttpCode,
  Inject,
  InternalServerErrorException,
  Module,
  NotFoundException,
  Post,
  Res,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { IdempotencyModule } from '../nest/idempotency.module';
import { IdempotencyContext } from '../nest/idempotency-context';
import { IdempotencyCtx, Idempotent } from '../nest/idempotent.decorator';
import type { IdempotencyModuleOptions } from '../nest/idempotency.options';
import { IDEMPOTENCY_ENTITIES, IDEMPOTENCY_MIGRATIONS } from '../store/postgres/schema';
import { CreateIdempotencyTestTables1767225600001 } from './test-tables.migration';

const DATA_SOURCE = Symbol('TEST_DATA_SOURCE');

interface WidgetBody {
  name?: unknown;
  color?: unknown;
  delay_ms?: unknown;
  fail?: unknown;
}

@Controller('widgets')
class WidgetsController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Post()
  @HttpCode(201)
  @Idempotent({ bodyField: 'idempotency_key' })
  async create(@Body() body: WidgetBody | undefined, @IdempotencyCtx() idempotency: IdempotencyContext): Promise<unknown> {
    if (typeof body?.name !== 'string' || body.name === '') throw new BadRequestException('name is required');
    const name = body.name;
    const color = typeof body.color === 'string' ? body.color : null;
    const delayMs = typeof body.delay_ms === 'number' ? body.delay_ms : 0;
    const tenantId = idempotency.tenantId ?? 'anonymous';
    return this.dataSource.transaction(async (manager) => {
      const [row] = (await manager.query('INSERT INTO widgets (tenant_id, name, color) VALUES ($1, $2, $3) RETURNING id', [
        tenantId,
        name,
        color,
      ])) as { id: string }[];
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (body.fail === 'crash') throw new Error('simulated failure after the insert');
      const widget = { id: row.id, name, color, idempotency_key: idempotency.key ?? null };
      await idempotency.completeWithin(manager, 201, widget, { location: `/widgets/${row.id}` });
      return widget;
    });
  }
}

@Controller('notes')
class NotesController {
  constructor(@Inject(DATA_SOURCE) private readonly dataSource: DataSource) {}

  @Post()
  @Idempotent({ bodyField: 'request_key' })
  async create(@Body() body: { text?: unknown } | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    if (typeof body?.text !== 'string') throw new BadRequestException('text must be a string');
    // Every execution leaves a trace here, whatever its outcome, so tests can count them.
    await this.dataSource.query('INSERT INTO note_attempts (text) VALUES ($1)', [body.text]);
    if (body.text === 'explode') throw new InternalServerErrorException('simulated server failure');
    if (body.text === 'missing') throw new NotFoundException('no such notebook');
    const [row] = (await this.dataSource.query('INSERT INTO notes (text) VALUES ($1) RETURNING id', [body.text])) as { id: number }[];
    reply.header('Location', `/notes/${row.id}`);
    reply.header('X-Not-Replayed', 'first-only');
    return { id: row.id, text: body.text };
  }

  @Post('strict')
  @Idempotent({ required: true })
  async strict(@Body() body: { text?: unknown } | undefined): Promise<unknown> {
    await this.dataSource.query('INSERT INTO note_attempts (text) VALUES ($1)', [String(body?.text)]);
    return { text: body?.text ?? null };
  }
}

export interface TestApp {
  app: NestFastifyApplication;
  baseUrl: string;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A DataSource on the test database with the library's and the test app's migrations run. */
export async function openTestDataSource(databaseUrl: string): Promise<DataSource> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: databaseUrl,
    entities: IDEMPOTENCY_ENTITIES,
    migrations: [...IDEMPOTENCY_MIGRATIONS, CreateIdempotencyTestTables1767225600001],
    extra: { max: 20 },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  return dataSource;
}

/** Starts the test app on a random local port; the tenant comes from the X-Tenant-Id header. */
export async function startTestApp(dataSource: DataSource, options: IdempotencyModuleOptions = {}): Promise<TestApp> {
  @Module({
    imports: [IdempotencyModule.forRoot({ dataSource, purgeIntervalSeconds: 0, ...options })],
    controllers: [WidgetsController, NotesController],
    providers: [{ provide: DATA_SOURCE, useValue: dataSource }],
  })
  class TestAppModule {}

  const adapter = new FastifyAdapter();
  // Stands in for an auth guard: the library's default resolver reads request.tenantId.
  adapter.getInstance().addHook('onRequest', async (request) => {
    const tenant = request.headers['x-tenant-id'];
    if (typeof tenant === 'string') (request as unknown as { tenantId: string }).tenantId = tenant;
  });
  const app = await NestFactory.create<NestFastifyApplication>(TestAppModule, adapter, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { app, baseUrl: `http://127.0.0.1:${port}`, dataSource, close: () => app.close() };
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function postJson(baseUrl: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}
