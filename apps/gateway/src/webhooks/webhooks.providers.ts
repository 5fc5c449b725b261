import { Provider } from '@nestjs/common';
import { AppConfig } from '@validahub/config';
import { OutboundClient } from '@validahub/outbound-http';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { GATEWAY_CONFIG, GATEWAY_OPTIONS } from '../gateway.tokens';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WebhookEndpoints } from './webhook-endpoints';
import { resolveWebhookSettings, WebhookSettings } from './webhook-settings';
import { WEBHOOK_CLIENT, WEBHOOK_SETTINGS } from './webhook.tokens';

export const webhookProviders: Provider[] = [
  { provide: WEBHOOK_SETTINGS, inject: [GATEWAY_OPTIONS], useFactory: (options: ResolvedGatewayOptions) => resolveWebhookSettings(options.webhooks) },
  {
    provide: WEBHOOK_CLIENT,
    inject: [GATEWAY_CONFIG, WEBHOOK_SETTINGS],
    useFactory: (config: AppConfig, settings: WebhookSettings) =>
      new OutboundClient({ ...settings.client, allowPrivate: config.outbound.allowPrivateTargets }),
  },
  WebhookEndpoints,
  WebhookDispatcher,
];
