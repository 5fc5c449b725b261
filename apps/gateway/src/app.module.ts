import { DynamicModule } from '@nestjs/common';
import { AppConfig } from '@validahub/config';

/**
 * Modules composed into the gateway next to the jobs API (see createGatewayApp).
 * Idempotency is not here: it is part of JobsApiModule, so tests and benchmarks get it too.
 */
export function gatewayImports(_config: AppConfig): DynamicModule[] {
  return [];
}
