import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { OperatorRoute } from '../auth/auth.decorators';
import { GatewayMetrics } from './gateway-metrics';

/** Prometheus scrape: METRICS_TOKEN as a bearer token, or an admin key. */
@ApiExcludeController()
@OperatorRoute()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: GatewayMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
