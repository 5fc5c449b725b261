/** Cumulative counts of `job_event_apply_lag_seconds` per bucket bound (all event types together). */
export type LagBuckets = Map<number, number>;

export async function scrapeLagBuckets(base: string, metricsToken: string): Promise<LagBuckets> {
  const response = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  const buckets: LagBuckets = new Map();
  for (const match of (await response.text()).matchAll(/^job_event_apply_lag_seconds_bucket\{[^}]*le="([^"]+)"[^}]*\} (\d+)/gm)) {
    const bound = match[1] === '+Inf' ? Number.POSITIVE_INFINITY : Number(match[1]);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return buckets;
}

/** The smallest bucket bound holding 99% of the events observed between two scrapes. */
export function lagP99(before: LagBuckets, after: LagBuckets): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const delta = (bound: number) => (after.get(bound) ?? 0) - (before.get(bound) ?? 0);
  const total = delta(Number.POSITIVE_INFINITY);
  if (!total) return Number.NaN;
  return bounds.find((bound) => delta(bound) >= 0.99 * total) ?? Number.POSITIVE_INFINITY;
}
