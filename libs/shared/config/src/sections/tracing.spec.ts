import { loadConfig, loadTracingConfig } from '../index';
import { configProblems as problems } from '../testing/config-problems';

describe('tracing config', () => {
  it('is off unless an exporter or an OTLP endpoint is configured', () => {
    expect(loadConfig({}).tracing).toEqual({ enabled: false, serviceName: '', exporters: [] });
    // The protocol or a service name alone asks for nothing.
    expect(loadConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'gw' }).tracing.enabled).toBe(false);
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/v1/traces' }],
    [{ OTEL_TRACES_EXPORTER: 'otlp' }],
    [{ OTEL_TRACES_EXPORTER: 'console' }],
    [{ OTEL_TRACES_EXPORTER: 'otlp, console' }],
  ])('is on with %p', (env) => {
    expect(loadConfig(env).tracing.enabled).toBe(true);
  });

  it('is off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set', () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'true' }).tracing.enabled).toBe(false);
    expect(loadConfig({ ...endpoint, OTEL_TRACES_EXPORTER: 'none' }).tracing.enabled).toBe(false);
    expect(loadConfig({ ...endpoint, OTEL_SDK_DISABLED: 'false' }).tracing.enabled).toBe(true);
  });

  it('keeps the service name for the apps to use', () => {
    expect(loadConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'validahub-gateway-eu' }).tracing).toEqual({
      enabled: true,
      serviceName: 'validahub-gateway-eu',
      exporters: ['console'],
    });
  });

  it('names every bad variable', () => {
    expect(
      problems({
        OTEL_TRACES_EXPORTER: 'otlp,jaeger',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/v1/traces',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift',
        OTEL_SDK_DISABLED: 'maybe',
      }),
    ).toEqual([
      'OTEL_SDK_DISABLED must be true or false, got "maybe"',
      'OTEL_TRACES_EXPORTER must list only otlp, console, zipkin, none, got "jaeger"',
      'OTEL_EXPORTER_OTLP_ENDPOINT must use http: or https:, got "collector:"',
      'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must use http: or https:, got "ftp:"',
      'OTEL_EXPORTER_OTLP_PROTOCOL must be one of http/protobuf, http/json, grpc, got "thrift"',
    ]);
  });

  it('loadTracingConfig reads the section alone, and gives up (undefined) on a bad variable for loadConfig to report', () => {
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', DATABASE_URL: 'not checked here' })).toMatchObject({
      enabled: true,
    });
    expect(loadTracingConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'nope' })).toBeUndefined();
  });
});
