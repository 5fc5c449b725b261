/** The event stream's timings; production uses the defaults, tests shorten them. */
export interface StreamSettings {
  /** A comment line this often keeps proxies from closing an idle stream (contract: 15 s). */
  heartbeatMs: number;
  /** Each stream also looks for new transitions in Postgres this often (API cancels, the reconciler, a lost notice). */
  pollMs: number;
  /** Progress events of one job are coalesced to at most one per this interval (contract: 4 per second). */
  progressIntervalMs: number;
  /** The `retry:` the stream tells clients: how long to wait before reconnecting after a drop. */
  retryMs: number;
}

export function resolveStreamSettings(overrides: Partial<StreamSettings> = {}): StreamSettings {
  return { heartbeatMs: 15_000, pollMs: 2_000, progressIntervalMs: 250, retryMs: 2_000, ...overrides };
}
