// Scopes of the contract. A new key gets all but `admin`; an admin key has `admin` only: it
// manages tenants and sees no tenant's data.
export const SCOPES = ['jobs:read', 'jobs:write', 'files:write', 'webhooks:manage', 'schedules:manage', 'templates:manage', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export const ADMIN_SCOPE: Scope = 'admin';
export const DEFAULT_KEY_SCOPES: readonly Scope[] = SCOPES.filter((scope) => scope !== ADMIN_SCOPE);

export function isScope(value: unknown): value is Scope {
  return typeof value === 'string' && (SCOPES as readonly string[]).includes(value);
}

/**
 * The scopes a new key gets: the defaults, `admin` alone for `--admin`, or the list given.
 * Returns the problem as a message instead when the list is unusable.
 */
export function scopesForNewKey(requested: readonly string[] | undefined, admin: boolean): { scopes: Scope[] } | { problem: string } {
  if (admin) {
    if (requested && requested.some((scope) => scope !== ADMIN_SCOPE)) return { problem: 'an admin key has the admin scope only' };
    return { scopes: [ADMIN_SCOPE] };
  }
  if (requested === undefined) return { scopes: [...DEFAULT_KEY_SCOPES] };
  const unique = [...new Set(requested)];
  const unknown = unique.filter((scope) => !isScope(scope));
  if (unknown.length) return { problem: `unknown scope(s) ${unknown.join(', ')}; known: ${SCOPES.join(', ')}` };
  if (!unique.length) return { problem: 'at least one scope is needed' };
  if (unique.includes(ADMIN_SCOPE) && unique.length > 1) return { problem: 'the admin scope cannot be combined with tenant scopes' };
  return { scopes: unique as Scope[] };
}
