import { EnvReader } from '../env-reader';

export interface OutboundConfig {
  /**
   * Lets calls to third-party URLs (webhook deliveries, feed syncs) use http and reach loopback,
   * private and link-local addresses. Development and tests only: refused with NODE_ENV=production.
   */
  allowPrivateTargets: boolean;
}

export function readOutbound(env: EnvReader): OutboundConfig {
  const allowPrivateTargets = env.bool('WEBHOOK_ALLOW_PRIVATE', false);
  if (allowPrivateTargets && env.string('NODE_ENV') === 'production') {
    env.problem('WEBHOOK_ALLOW_PRIVATE', 'must not be true with NODE_ENV=production: it lets webhooks and syncs reach internal addresses');
  }
  return { allowPrivateTargets };
}
