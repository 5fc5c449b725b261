import { Controller, Get, Inject, Logger } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import IORedis from 'ioredis';
import { DataSource } from 'typeorm';
import { ObjectStorage } from '@validahub/storage';
import { Public } from '../auth/auth.decorators';
import { OBJECT_STORAGE, PRODUCER_REDIS } from '../gateway.tokens';

const CHECK_TIMEOUT_MS = 1_500;

class CheckTimeout extends Error {}

/** Open to all (load balancers, orchestrators): it says which dependency is down, never why (error texts name hosts and accounts). */
@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('HealthController');

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(PRODUCER_REDIS) private readonly redis: IORedis,
    @Inject(OBJECT_STORAGE) private readonly storage: ObjectStorage,
  ) {}

  /** The process is up and serving HTTP; dependencies are not consulted (a restart would not fix them). */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Ready to take traffic: Postgres, Redis and object storage answer in time. 503 problem otherwise. */
  @Get('ready')
  @HealthCheck()
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
