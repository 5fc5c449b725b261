import { Env, EnvReader } from './env-reader';
import { ConnectionsConfig, readConnections } from './sections/connections';
import { ExecutionConfig, readExecution } from './sections/execution';
import { HttpConfig, readHttp } from './sections/http';
import { LimitsConfig, readLimits } from './sections/limits';
import { OutboundConfig, readOutbound } from './sections/outbound';
import { readSecurity, SecurityConfig } from './sections/security';
import { readStorage, StorageConfig } from './sections/storage';
import { readTaskLimits, TaskLimitsConfig } from './sections/task-limits';
import { readTracing, TracingConfig } from './sections/tracing';
import { readWorker, WorkerConfig } from './sections/worker';

export interface AppConfig {
  connections: ConnectionsConfig;
  execution: ExecutionConfig;
  storage: StorageConfig;
  http: HttpConfig;
  worker: WorkerConfig;
  outbound: OutboundConfig;
  security: SecurityConfig;
  taskLimits: TaskLimitsConfig;
  limits: LimitsConfig;
  tracing: TracingConfig;
}

/** Every section of AppConfig and its reader: loadConfig runs them, and the generated docs describe what they read. */
export const CONFIG_SECTIONS: { readonly [K in keyof AppConfig]: (reader: EnvReader) => AppConfig[K] } = {
  connections: readConnections,
  execution: readExecution,
  storage: readStorage,
  http: readHttp,
  worker: readWorker,
  outbound: readOutbound,
  security: readSecurity,
  taskLimits: readTaskLimits,
  limits: readLimits,
  tracing: readTracing,
};

/**
 * The one place that reads the environment. Throws ConfigError listing every bad variable.
 * Callers pass `process.env` (or a test's own map) explicitly.
 */
export function loadConfig(env: Env): AppConfig {
  const reader = new EnvReader(env);
  const sections = Object.entries(CONFIG_SECTIONS).map(([name, read]) => [name, read(reader)]);
  const config = Object.fromEntries(sections) as AppConfig;
  reader.done();
  return config;
}
