import { DynamicModule, FactoryProvider, Module, ModuleMetadata, Provider } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { IdempotencyStore } from '../store/idempotency-store';
import { PostgresIdempotencyStore } from '../store/postgres/postgres-idempotency.store';
import { IDEMPOTENCY_MODULE_OPTIONS, IDEMPOTENCY_OPTIONS, IDEMPOTENCY_STORE } from './idempotency.constants';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IdempotencyModuleOptions, resolveIdempotencyOptions } from './idempotency.options';
import { PurgeScheduler } from './purge-scheduler';
import { ResponseRecorder } from './response-recorder';

export interface IdempotencyModuleAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  /** Name of the @nestjs/typeorm DataSource used when the factory gives no `dataSource`. */
  dataSourceName?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- mirrors Nest's own useFactory typing
  useFactory: (...args: any[]) => IdempotencyModuleOptions | Promise<IdempotencyModuleOptions>;
  inject?: FactoryProvider['inject'];
}

/**
 * Import once in the app (it is global); then put @Idempotent() on routes. Registers the
 * response recorder on the Fastify instance and the periodic purge of expired keys.
 */
@Module({})
export class IdempotencyModule {
  static forRoot(options: IdempotencyModuleOptions = {}): DynamicModule {
    return build([{ provide: IDEMPOTENCY_MODULE_OPTIONS, useValue: options }], [], options.dataSourceName);
  }

  static forRootAsync(options: IdempotencyModuleAsyncOptions): DynamicModule {
    return build(
      [{ provide: IDEMPOTENCY_MODULE_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] }],
      options.imports ?? [],
      options.dataSourceName,
    );
  }
}

function build(optionProviders: Provider[], imports: ModuleMetadata['imports'], dataSourceName?: string): DynamicModule {
  // Optional, so an app that passes its own DataSource (or store) needs no TypeOrmModule.
  const typeOrmDataSource = { token: getDataSourceToken(dataSourceName), optional: true };
  return {
    module: IdempotencyModule,
    global: true,
    imports,
    providers: [
      ...optionProviders,
      { provide: IDEMPOTENCY_OPTIONS, useFactory: resolveIdempotencyOptions, inject: [IDEMPOTENCY_MODULE_OPTIONS] },
      { provide: IDEMPOTENCY_STORE, useFactory: createStore, inject: [IDEMPOTENCY_MODULE_OPTIONS, typeOrmDataSource] },
      IdempotencyInterceptor,
      ResponseRecorder,
      PurgeScheduler,
    ],
    exports: [IDEMPOTENCY_OPTIONS, IDEMPOTENCY_STORE, IdempotencyInterceptor, PurgeScheduler],
  };
}

function createStore(options: IdempotencyModuleOptions, typeOrmDataSource: DataSource | undefined): IdempotencyStore {
  if (options.store) return options.store;
  const dataSource = options.dataSource ?? typeOrmDataSource;
  if (!dataSource) {
    throw new Error('IdempotencyModule found no DataSource: pass `dataSource` in its options or register TypeOrmModule.forRoot() in the app');
  }
  return new PostgresIdempotencyStore(dataSource);
}
