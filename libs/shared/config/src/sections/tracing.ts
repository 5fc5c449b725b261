import { Env, EnvReader } from '../env-reader';

/** The span exporters OpenTelemetry's Node SDK builds from OTEL_TRACES_EXPORTER. */
const TRACE_EXPORTERS = ['otlp', 'console', 'zipkin', 'none'] as const;
const OTLP_PROTOCOLS = ['http/protobuf', 'http/json', 'grpc'] as const;

export interface TracingConfig {
  /**
   * Whether spans are recorded and exported. Off unless asked for: OTEL_TRACES_EXPORTER names an
   * exporter, or an OTLP endpoint is set; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none
   * turn it off whatever else is set. Off, the SDK is never loaded.
   */
  enabled: boolean;
  /** OTEL_SERVICE_NAME; empty: each app names itself (validahub-gateway, validahub-worker-<plans>). */
  serviceName: string;
  /** Exporters named in OTEL_TRACES_EXPORTER (empty: `otlp` once enabled by an endpoint). */
  exporters: string[];
}

/**
 * The standard OpenTelemetry variables this system relies on, checked like every other variable
 * (the SDK itself reads them from the process environment, and reads the rest of the OTEL_*
 * family, such as OTEL_BSP_* and OTEL_TRACES_SAMPLER, on its own).
 */
export function readTracing(env: EnvReader): TracingConfig {
  const disabled = env.bool('OTEL_SDK_DISABLED', false);
  const exporters = env
    .string('OTEL_TRACES_EXPORTER', '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const unknown = exporters.filter((name) => !(TRACE_EXPORTERS as readonly string[]).includes(name));
  if (unknown.length) env.problem('OTEL_TRACES_EXPORTER', `must list only ${TRACE_EXPORTERS.join(', ')}, got "${unknown.join(', ')}"`);
  const endpoint = optionalUrl(env, 'OTEL_EXPORTER_OTLP_ENDPOINT');
  const tracesEndpoint = optionalUrl(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT');
  env.oneOf(['OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'OTEL_EXPORTER_OTLP_PROTOCOL'], 'http/protobuf', OTLP_PROTOCOLS);
  const serviceName = env.string('OTEL_SERVICE_NAME', '');
  const asked = exporters.length > 0 || endpoint !== '' || tracesEndpoint !== '';
  return { enabled: !disabled && asked && !exporters.includes('none'), serviceName, exporters };
}

/** An endpoint is optional, but when set it must be an http(s) URL. */
function optionalUrl(env: EnvReader, name: string): string {
  if (env.string(name, '') === '') return '';
  return env.url(name, '', ['http:', 'https:']);
}

/**
 * The tracing section alone, for the first lines of a process (tracing must start before the
 * modules it instruments are loaded, so before the whole configuration is read). Undefined when
 * its variables are invalid: the full loadConfig that follows reports them.
 */
export function loadTracingConfig(env: Env): TracingConfig | undefined {
  const reader = new EnvReader(env);
  const config = readTracing(reader);
  try {
    reader.done();
    return config;
  } catch {
    return undefined;
  }
}
