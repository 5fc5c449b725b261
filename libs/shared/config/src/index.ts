export { ConfigError, EnvReader, type Env } from './env-reader';
export { loadConfig, type AppConfig } from './load';
export type { ConnectionsConfig } from './sections/connections';
export { clusterKeyPrefix, hashTagOf, type RedisClusterConfig, type RedisClusterNode } from './sections/redis-cluster';
export type { ExecutionConfig } from './sections/execution';
export type { StorageConfig } from './sections/storage';
export type { HttpConfig } from './sections/http';
export { DEFAULT_PLAN_LIMITS, type LimitsConfig, type PlanLimits } from './sections/limits';
export type { OutboundConfig } from './sections/outbound';
export { AUTH_MODES, type AuthMode, type SecurityConfig } from './sections/security';
export { requireApiKeySecret } from './require-secrets';
export type { WorkerConfig, WorkerPlanName } from './sections/worker';
export { readEnvironment } from './env-file';
export { loadCliSettings } from './load-cli';
export type { CliSettings } from './sections/cli';
export {
  CONFIG_DOC_TARGETS,
  describeConfig,
  renderConfigTable,
  renderEnvExample,
  replaceBetweenMarkers,
  type VariableDoc,
} from './docs/describe-config';
export { VARIABLE_MEANINGS } from './docs/variable-meanings';
export { taskMemoryMb, type TaskLimitsConfig } from './sections/task-limits';
export { loadTracingConfig, type TracingConfig } from './sections/tracing';
