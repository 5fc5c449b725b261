import { Provider } from '@nestjs/common';
import type { ResolvedGatewayOptions } from '../gateway-options';
import { GATEWAY_OPTIONS } from '../gateway.tokens';
import { ScheduleFirer } from './schedule-firer';
import { ScheduleStore } from './schedule-store';
import { Scheduler } from './scheduler';
import { resolveSchedulerSettings } from './scheduler-settings';
import { SCHEDULER_SETTINGS } from './schedules.tokens';

export const scheduleProviders: Provider[] = [
  {
    provide: SCHEDULER_SETTINGS,
    inject: [GATEWAY_OPTIONS],
    useFactory: (options: ResolvedGatewayOptions) => resolveSchedulerSettings(options.schedules),
  },
  ScheduleStore,
  ScheduleFirer,
  Scheduler,
];
