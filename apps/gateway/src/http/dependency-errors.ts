// Telling "a dependency is down" (503) apart from a bug (500): connection-level failures of
// pg/ioredis carry well-known codes and messages; anything else is a real error.

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
// Postgres SQLSTATE: connection exceptions (08xxx), shutdown/crash (57P0x), too many connections,
// statement timeout / cancel (57014), database starting up.
const PG_UNAVAILABLE = /^(08...|57P0[1-4]|53300|57014)$/;
const MESSAGES = [
  /timeout exceeded when trying to connect/i,
  /Connection terminated/i,
  /Query read timeout/i,
  /Stream isn't writeable/i,
  /Connection is closed/i,
  /Reached the max retries per request limit/i,
  /connect ECONNREFUSED/i,
  /the database system is (starting up|shutting down)/i,
  /Driver not Connected/i,
];

export type Dependency = 'postgres' | 'redis' | 'storage';

export function isDependencyDown(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; depth++) {
    const candidate = e as { code?: unknown; message?: unknown; driverError?: unknown; cause?: unknown; name?: unknown };
    if (typeof candidate.code === 'string' && (NETWORK_CODES.has(candidate.code) || PG_UNAVAILABLE.test(candidate.code))) return true;
    if (candidate.name === 'MaxRetriesPerRequestError') return true;
    if (typeof candidate.message === 'string' && MESSAGES.some((m) => m.test(candidate.message as string))) return true;
    e = candidate.driverError ?? candidate.cause;
  }
  return false;
}

/** Carries which dependency failed, so the problem body can say it. */
export class DependencyUnavailableError extends Error {
  constructor(
    readonly dependency: Dependency,
    options: { cause: unknown },
  ) {
    super(`${dependency} is unavailable`, options);
    this.name = 'DependencyUnavailableError';
  }
}

export const REDIS_CALL_TIMEOUT_MS = 3_000;

/**
 * Redis calls on the request path: any failure of the producer connection means "unavailable",
 * and a call that does not settle in time fails too (BullMQ waits for a first connection
 * indefinitely, which would hang the request).
 */
export async function viaRedis<T>(operation: () => Promise<T>, timeoutMs = REDIS_CALL_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`redis call timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([operation(), timeout]);
  } catch (error) {
    throw new DependencyUnavailableError('redis', { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
