// Injection tokens for what the gateway provides that has no class of its own to be looked up by.

/** The AppConfig the gateway was built from. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
/** ResolvedGatewayOptions (see gateway-options.ts). */
export const GATEWAY_OPTIONS = Symbol('GATEWAY_OPTIONS');
/** The Redis connection for request-path commands (fails fast while Redis is down). */
export const PRODUCER_REDIS = Symbol('PRODUCER_REDIS');
/** The app's Prometheus registry. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
/** The server's CompositeStorage; requests reach it through TenantStorage's per-caller scopes. */
export const OBJECT_STORAGE = Symbol('OBJECT_STORAGE');
/** Writes a batch of worker events to Postgres (a JobEventWriter). */
export const JOB_EVENT_WRITER = Symbol('JOB_EVENT_WRITER');
/** Keeps worker events Postgres refused (an EventDeadLetters). */
export const EVENT_DEAD_LETTERS = Symbol('EVENT_DEAD_LETTERS');
/** The reconciler's leadership among replicas (a LeaderLock). */
export const RECONCILER_LEADER_LOCK = Symbol('RECONCILER_LEADER_LOCK');
/** What create hands each stored job to: the JobEnqueuer, or the fault-injection wrapper around it. */
export const NEW_JOB_ENQUEUER = Symbol('NEW_JOB_ENQUEUER');
/** Told the jobs that just finished after each applied batch (a JobsSettledHook: workflows advance through it). */
export const JOBS_SETTLED_HOOK = Symbol('JOBS_SETTLED_HOOK');
