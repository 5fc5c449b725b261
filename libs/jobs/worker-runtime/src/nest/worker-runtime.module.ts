import { DynamicModule, Module } from '@nestjs/common';
import type { AppConfig } from '@validahub/config';
import type { Plan } from '@validahub/jobs-domain';
import { taskHandlersFromConfig } from '@validahub/jobs-tasks';
import { WorkerRuntime, WorkerRuntimeOptions } from '../runtime/worker-runtime';

export const WORKER_CONFIG = Symbol('WORKER_CONFIG');

export interface WorkerRuntimeModuleOptions {
  config: AppConfig;
  plans: readonly Plan[];
  /** Extra runtime options (tests); handlers default to every shipped task. */
  overrides?: Partial<Omit<WorkerRuntimeOptions, 'config' | 'plans'>>;
}

/**
 * Nest wiring of the runtime: the WorkerRuntime provider starts on application bootstrap
 * and drains on shutdown (enableShutdownHooks turns SIGTERM/SIGINT into that).
 */
@Module({})
export class WorkerRuntimeModule {
  static forRoot(options: WorkerRuntimeModuleOptions): DynamicModule {
    return {
      module: WorkerRuntimeModule,
      providers: [
        { provide: WORKER_CONFIG, useValue: options.config },
        {
          provide: WorkerRuntime,
          useFactory: (config: AppConfig) =>
            new WorkerRuntime({ handlers: options.overrides?.handlers ?? taskHandlersFromConfig(config), ...options.overrides, config, plans: options.plans }),
          inject: [WORKER_CONFIG],
        },
      ],
      exports: [WorkerRuntime, WORKER_CONFIG],
    };
  }
}
