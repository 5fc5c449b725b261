// Imported first by main.ts: tracing has to start before `http` and `pg` are loaded, so that its
// instrumentation sees them. Off unless the OTEL_* variables ask for it (see TracingConfig).
import { loadTracingConfig, readEnvironment } from '@validahub/config';
import { startTracing } from '@validahub/observability';

const env = readEnvironment();
const tracing = loadTracingConfig(env);
startTracing({
  enabled: tracing?.enabled ?? false,
  serviceName: tracing?.serviceName || 'validahub-gateway',
  instrumentHttpAndPostgres: true,
  env,
});
