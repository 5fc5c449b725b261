import { DynamicModule } from '@nestjs/common';
import { AppConfig } from '@validahub/config';

/**
 * Modules composed into the gateway next to the jobs API (see createGatewayApp).
 * The idempotency module goes here once it lands.
 */
export function gatewayImports(_config: AppConfig): DynamicModule[] {
  return [];
}
