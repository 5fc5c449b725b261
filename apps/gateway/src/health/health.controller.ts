import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import type { RedisClient } from '@validahub/jobs-queueing';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '@validahub/storage';
import { Public } from '../auth/auth.decorators';
import { OBJECT_STORAGE, PRODUCER_REDIS } from '../gateway.tokens';
import { ApiProblems } from '../openapi/api-responses';

const CHECK_TIMEOUT_MS = 1_500;

class CheckTimeout extends Error {}

@ApiSchema({ name: 'Liveness' })
class LiveView {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
}

@ApiSchema({ name: 'Readiness' })
class ReadinessView {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'object', additionalProperties: true },
    description: 'Per dependency: `status` and `latency_ms`.',
    example: { postgres: { status: 'up', latency_ms: 2 }, redis: { status: 'up', latency_ms: 1 }, storage: { status: 'up', latency_ms: 1 } },
  })
  info!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) error!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
}

/** Open to all (load balancers, orchestrators): it says which dependency is down, never why (error texts name hosts and accounts). */
@ApiTags('health')
@Public()
@ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Up to 128 printable characters; generated when absent; echoed.' })
@ApiProblems(400)
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('HealthController');

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(PRODUCER_REDIS) private readonly redis: RedisClient,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  /** The process is up and serving HTTP; dependencies are not consulted (a restart would not fix them). */
  @Get('live')
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness',
    description: 'The process is up and serving HTTP; dependencies are not consulted.',
    security: [],
  })
  @ApiOkResponse({ type: LiveView, description: 'Alive.' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready to take traffic: Postgres, Redis and object storage answer in time. 503 problem otherwise. */
  @Get('ready')
  @ApiOperation({
    operationId: 'getReadiness',
    summary: 'Readiness',
    description: 'Postgres, Redis and object storage each answer within 1.5 s; 503 (with `checks`) when one does not.',
    security: [],
  })
  @ApiOkResponse({ type: ReadinessView, description: 'Every dependency answers.' })
  @ApiProblems(503)
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  ready() {
    return this.health.check([
      () => this.probe('postgres', () => this.dataSource.query('SELECT 1')),
      () => this.probe('redis', () => this.redis.ping()),
      () => this.probe('storage', () => this.storage.ping()),
    ]);
  }

  private async probe<K extends string>(key: K, call: () => Promise<unknown>) {
    const check = this.indicators.check(key);
    const started = Date.now();
    try {
      await withTimeout(call(), CHECK_TIMEOUT_MS);
      return check.up({ latency_ms: Date.now() - started });
    } catch (error) {
      this.logger.warn({ err: error, dependency: key }, 'readiness check failed');
      return check.down({ reason: error instanceof CheckTimeout ? 'timeout' : 'error' });
    }
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new CheckTimeout(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
