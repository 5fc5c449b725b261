import { ConfigError } from './env-reader';
import type { AppConfig } from './load';

/**
 * The API key HMAC secret, for the processes that hash or verify keys (gateway, admin CLI).
 * Workers load the same configuration without needing it, so it is checked here, at the
 * start of the processes that do.
 */
export function requireApiKeySecret(config: Pick<AppConfig, 'security'>): string {
  const secret = config.security.apiKeySecret;
  if (!secret) throw new ConfigError(['API_KEY_HMAC_SECRET is required when NODE_ENV=production']);
  return secret;
}
