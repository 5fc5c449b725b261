import { EnvReader } from '../env-reader';

export const AUTH_MODES = ['required', 'open'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

// Development defaults: they let `npm start` and the tests run without any set-up, and are
// refused in production, where a leaked default would let anyone forge keys or payloads.
export const DEV_API_KEY_SECRET = 'validahub-dev-api-key-secret-not-for-production';
export const DEV_PAYLOAD_SIGNING_SECRET = 'validahub-dev-payload-signing-secret-not-for-production';
const MIN_SECRET_LENGTH = 32;

export interface SecurityConfig {
  /** NODE_ENV=production: development defaults and AUTH_MODE=open are refused. */
  production: boolean;
  /** `required` (default): every API call needs an API key. `open`: one anonymous tenant (development only). */
  authMode: AuthMode;
  /**
   * Keys the HMAC-SHA256 of API key secrets (gateway and admin CLI; workers never need it).
   * Undefined only in production when API_KEY_HMAC_SECRET is not set: the gateway and the
   * admin CLI refuse to start then (`requireApiKeySecret`), workers do not care.
   */
  apiKeySecret: string | undefined;
  /** Gateway and workers: HMAC key of job payloads, so a worker can tell a payload the gateway wrote. */
  payloadSigningSecret: string;
  /** Seconds a verified key stays cached while invalidations arrive; capped at 5 s while they cannot. */
  authCacheTtlSeconds: number;
  /** Basic-auth credentials for the queue dashboard (both or neither). */
  dashboard: { user: string; password: string } | undefined;
  /** Bearer token that may scrape /metrics (an admin key may too). */
  metricsToken: string | undefined;
}

export function readSecurity(env: EnvReader): SecurityConfig {
  const production = env.string('NODE_ENV', 'development') === 'production';
  const authMode = env.oneOf('AUTH_MODE', 'required', AUTH_MODES);
  if (production && authMode === 'open') env.problem('AUTH_MODE', 'cannot be "open" when NODE_ENV=production');
  const user = env.string('DASHBOARD_USER');
  const password = env.string('DASHBOARD_PASSWORD');
  if ((user === undefined) !== (password === undefined)) env.problem('DASHBOARD_USER', 'and DASHBOARD_PASSWORD must be set together');
  const metricsToken = env.string('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) env.problem('METRICS_TOKEN', 'must be at least 16 characters');
  return {
    production,
    authMode,
    apiKeySecret: secret(env, 'API_KEY_HMAC_SECRET', DEV_API_KEY_SECRET, production, false),
    payloadSigningSecret: secret(env, 'PAYLOAD_SIGNING_SECRET', DEV_PAYLOAD_SIGNING_SECRET, production, true) ?? '',
    authCacheTtlSeconds: env.int('AUTH_CACHE_TTL_SECONDS', 60, { min: 1, max: 3_600 }),
    dashboard: user !== undefined && password !== undefined ? { user, password } : undefined,
    metricsToken,
  };
}

function secret(env: EnvReader, name: string, devDefault: string, production: boolean, requiredInProduction: boolean): string | undefined {
  const value = env.string(name);
  if (value === undefined) {
    if (!production) return devDefault;
    if (requiredInProduction) env.problem(name, 'is required when NODE_ENV=production');
    return undefined;
  }
  if (production && (value.length < MIN_SECRET_LENGTH || value === devDefault)) {
    env.problem(name, `must be at least ${MIN_SECRET_LENGTH} characters and not the development default when NODE_ENV=production`);
  }
  return value;
}
