import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@validahub/config';
import { ADMIN_SCOPE } from '@validahub/tenancy';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ApiKeyVerifier } from './api-key-verifier';
import { authProblems } from './auth-problems';
import { basicCredentials, presentedKey, sameSecret } from './presented-credentials';

export type OperatorSurface = 'metrics' | 'dashboard';

/**
 * Who may see operators' pages: an admin API key always; for the queue dashboard also the
 * DASHBOARD_USER/DASHBOARD_PASSWORD basic-auth pair (so a browser can log in), for /metrics
 * also METRICS_TOKEN as a bearer token (what a Prometheus scrape config sends).
 */
@Injectable()
export class OperatorAccess {
  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyVerifier,
  ) {}

  async authorize(request: Pick<FastifyRequest, 'headers'>, surface: OperatorSurface): Promise<void> {
    const { dashboard, metricsToken } = this.config.security;
    const basic = basicCredentials(request.headers);
    if (surface === 'dashboard' && dashboard && basic && sameSecret(basic.user, dashboard.user) && sameSecret(basic.password, dashboard.password)) {
      return;
    }
    const challenge = surface === 'dashboard' && dashboard ? 'Basic realm="ValidaHub queues", Bearer realm="ValidaHub"' : undefined;
    const key = basic ? undefined : presentedKey(request.headers);
    if (surface === 'metrics' && metricsToken && key && sameSecret(key, metricsToken)) return;
    if (key === undefined) throw authProblems.unauthenticated(basic ? 'unknown' : 'missing', challenge);
    const verified = await this.keys.verify(key);
    if (!verified.ok) throw authProblems.unauthenticated(verified.why, challenge);
    if (verified.found.tenant.status === 'suspended') throw authProblems.tenantSuspended();
    if (!verified.found.key.scopes.includes(ADMIN_SCOPE)) throw authProblems.insufficientScope(ADMIN_SCOPE);
  }
}
