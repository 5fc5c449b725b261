import { Env, EnvReader } from './env-reader';
import { ConnectionsConfig, readConnections } from './sections/connections';
import { ExecutionConfig, readExecution } from './sections/execution';
import { HttpConfig, readHttp } from './sections/http';
import { readSecurity, SecurityConfig } from './sections/security';
import { readStorage, StorageConfig } from './sections/storage';
import { readWorker, WorkerConfig } from './sections/worker';

export interface AppConfig {
  connections: ConnectionsConfig;
  execution: ExecutionConfig;
  storage: StorageConfig;
  http: HttpConfig;
  worker: WorkerConfig;
  security: SecurityConfig;
}

/**
 * The one place that reads the environment. Throws ConfigError listing every bad variable.
 * Callers pass `process.env` (or a test's own map) explicitly.
 */
export function loadConfig(env: Env): AppConfig {
  const reader = new EnvReader(env);
  const config: AppConfig = {
    connections: readConnections(reader),
    execution: readExecution(reader),
    storage: readStorage(reader),
    http: readHttp(reader),
    worker: readWorker(reader),
    security: readSecurity(reader),
  };
  reader.done();
  return config;
}
