export { ConfigError, EnvReader, type Env } from './env-reader';
export { loadConfig, type AppConfig } from './load';
export type { ConnectionsConfig } from './sections/connections';
export type { ExecutionConfig } from './sections/execution';
export type { StorageConfig } from './sections/storage';
export type { HttpConfig } from './sections/http';
export { AUTH_MODES, type AuthMode, type SecurityConfig } from './sections/security';
export { requireApiKeySecret } from './require-secrets';
export type { WorkerConfig, WorkerPlanName } from './sections/worker';
