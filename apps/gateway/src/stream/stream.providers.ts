import { Provider } from '@nestjs/common';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { GATEWAY_OPTIONS } from '../gateway.tokens';
import { JobLiveBus } from './job-live-bus';
import { JobTransitions } from './job-transitions';
import { resolveStreamSettings } from './stream-settings';
import { STREAM_SETTINGS } from './stream.tokens';

/** The live bus (every replica listens, whether or not it applies events) and what streams read. */
export const streamProviders: Provider[] = [
  { provide: STREAM_SETTINGS, inject: [GATEWAY_OPTIONS], useFactory: (options: ResolvedGatewayOptions) => resolveStreamSettings(options.stream) },
  JobLiveBus,
  JobTransitions,
];
