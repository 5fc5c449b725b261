import { Inject, Injectable, Logger } from '@nestjs/common';
import { issueInOneWrite, type RedisClient } from '@validahub/jobs-queueing';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig } from '@validahub/config';
import type { RequestAuth } from '../auth/request-auth';
import { GATEWAY_CONFIG, PRODUCER_REDIS } from '../gateway.tokens';
import { limitProblems } from './limit-problems';
import { PolicyState, rateLimitHeaders } from './rate-limit-headers';
import { limitsFor } from './tenant-limits';

export type RatePolicy = 'requests' | 'creates' | 'unauthenticated';

const WINDOW_SECONDS = 60;
/** A limiter call that takes longer than this lets the request through (Redis slow or down). */
const LIMITER_TIMEOUT_MS = 250;

/** What a draw answered: the window's state (for the headers) and whether the units were granted. */
export interface Drawn {
  state: PolicyState;
  allowed: boolean;
}

/** The 429 for a refused draw, carrying the RateLimit headers of every policy drawn on. */
export function rateLimitedProblem(refused: Drawn, all: readonly Drawn[] = [refused]) {
  return limitProblems.rateLimited(refused.state.name, Math.max(1, refused.state.resetSeconds), rateLimitHeaders(all.map((d) => d.state)));
}

/**
 * Per-tenant, per-plan rate limits with their counters in Redis (rate-limiter-flexible: one
 * atomic INCR+PTTL script per check), so every gateway replica draws on the same minute window.
 * Over the limit is a 429 `rate-limited` problem with Retry-After and the RateLimit headers.
 * When Redis cannot answer in time the request goes through (logged): a limiter outage must
 * not take reads down with it; creates need Redis anyway and answer 503 on their own.
 */
@Injectable()
export class RateLimits {
  private readonly logger = new Logger('RateLimits');
  private readonly limiters = new Map<string, RateLimiterRedis>();
  private readonly keyPrefix: string;

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    @Inject(PRODUCER_REDIS) private readonly redis: RedisClient,
  ) {
    this.keyPrefix = `${config.connections.queuePrefix}:rl`;
  }

  /**
   * Draws `cost` units of a tenant's `requests` or `creates` limit (a batch create draws one
   * per job: `consume(auth, 'creates', jobs.length)`). Throws the 429 `rate-limited` problem
   * when refused; answers the RateLimit headers to send otherwise (none when the caller is not
   * limited: limits off, open mode, or the limiter unreachable).
   */
  async consume(auth: RequestAuth, policy: 'requests' | 'creates', cost = 1): Promise<Record<string, string>> {
    const drawn = await this.draw(auth, policy, cost);
    if (drawn && !drawn.allowed) throw rateLimitedProblem(drawn);
    return drawn ? rateLimitHeaders([drawn.state]) : {};
  }

  /** Like consume, without throwing: undefined when the caller is not limited. */
  async draw(auth: RequestAuth, policy: 'requests' | 'creates', cost = 1): Promise<Drawn | undefined> {
    const limits = limitsFor(auth, this.config.limits);
    if (!limits) return undefined;
    const quota = policy === 'requests' ? limits.requestsPerMinute : limits.createsPerMinute;
    return this.drawFrom(policy, quota, auth.tenant.id, cost);
  }

  /**
   * Issues draws together in one socket write (the connection corked while they are issued): a
   * write costs more here than the script Redis runs, and a create draws on two policies.
   */
  drawTogether<T>(issue: () => T[]): Promise<Awaited<T>[]> {
    return Promise.all(issueInOneWrite(this.redis, issue));
  }

  /** A request without a valid key, counted per client address. */
  async drawUnauthenticated(address: string): Promise<Drawn | undefined> {
    if (!this.config.limits.enabled) return undefined;
    return this.drawFrom('unauthenticated', this.config.limits.unauthenticatedPerMinute, address, 1);
  }

  private async drawFrom(policy: RatePolicy, quota: number, subject: string, cost: number): Promise<Drawn | undefined> {
    const limiter = this.limiter(policy, quota);
    let outcome: RateLimiterRes;
    let allowed: boolean;
    try {
      outcome = await withTimeout(limiter.consume(subject, cost), LIMITER_TIMEOUT_MS);
      allowed = true;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) {
        this.logger.warn({ err: error, policy }, 'rate limiter unavailable; request let through');
        return undefined;
      }
      outcome = error;
      allowed = false;
    }
    const resetSeconds = Math.ceil(outcome.msBeforeNext / 1_000);
    return { allowed, state: { name: policy, quota, windowSeconds: WINDOW_SECONDS, remaining: outcome.remainingPoints, resetSeconds } };
  }

  // One limiter per (policy, quota): a tenant override gets its own, sharing the tenant's key.
  private limiter(policy: RatePolicy, points: number): RateLimiterRedis {
    const id = `${policy}:${points}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${this.keyPrefix}:${policy}`,
        points,
        duration: WINDOW_SECONDS,
        rejectIfRedisNotReady: true,
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`rate limiter did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
