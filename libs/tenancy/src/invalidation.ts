import type IORedis from 'ioredis';

/**
 * Tells every gateway replica to forget what it cached about a key or a tenant. Published
 * after the change is committed, by the admin routes and the admin CLI alike.
 */
export type TenancyInvalidation = { kind: 'key'; id: string } | { kind: 'tenant'; id: string };

export function tenancyInvalidationChannel(queuePrefix: string): string {
  return `${queuePrefix}:tenancy-invalidations`;
}

export async function publishTenancyInvalidation(redis: Pick<IORedis, 'publish'>, queuePrefix: string, message: TenancyInvalidation): Promise<void> {
  await redis.publish(tenancyInvalidationChannel(queuePrefix), JSON.stringify(message));
}

/** The message, or null for anything else on the channel (ignored: a cache can only drop entries). */
export function parseTenancyInvalidation(text: string): TenancyInvalidation | null {
  try {
    const parsed = JSON.parse(text) as Partial<TenancyInvalidation>;
    if ((parsed.kind === 'key' || parsed.kind === 'tenant') && typeof parsed.id === 'string') return { kind: parsed.kind, id: parsed.id };
  } catch {
    // not JSON: not ours
  }
  return null;
}
