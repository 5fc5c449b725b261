import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '@validahub/config';
import { ADMIN_SCOPE, Scope } from '@validahub/tenancy';
import { GATEWAY_CONFIG } from '../gateway.tokens';
import { ProblemException } from '../http/problem';
import { RequestLimits } from '../limits/request-limits';
import { ApiKeyVerifier } from './api-key-verifier';
import { IS_PUBLIC, OPERATOR_ROUTE, REQUIRED_SCOPES } from './auth.decorators';
import { authProblems } from './auth-problems';
import { OperatorAccess } from './operator-access';
import { presentedKey } from './presented-credentials';
import { ANONYMOUS_AUTH, authFromKey, RequestAuth, setRequestAuth } from './request-auth';

/**
 * The global guard: every route needs an API key unless it is `@Public()`. It resolves the key
 * to its tenant, plan and scopes, refuses suspended tenants and missing scopes, and leaves the
 * result on the request (`request.auth`) for the routes, then draws on the caller's rate limits
 * (RequestLimits; a refused key draws on its address's). In
 * AUTH_MODE=open the tenant routes serve the anonymous tenant; admin routes still need a key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(GATEWAY_CONFIG) private readonly config: AppConfig,
    private readonly keys: ApiKeyVerifier,
    private readonly operators: OperatorAccess,
    private readonly limits: RequestLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (this.reflector.getAllAndOverride<boolean>(OPERATOR_ROUTE, targets)) {
      await this.operators.authorize(request, 'metrics');
      return true;
    }
    const scopes = this.reflector.getAllAndOverride<Scope[]>(REQUIRED_SCOPES, targets) ?? [];
    const open = this.config.security.authMode === 'open' && !scopes.includes(ADMIN_SCOPE);
    const auth = open
      ? ANONYMOUS_AUTH
      : await this.authenticate(request).catch(async (refusal: unknown) => {
          if (refusal instanceof ProblemException && refusal.getStatus() === 401) await this.limits.refused(context);
          throw refusal;
        });
    if (auth.tenant.status === 'suspended') throw authProblems.tenantSuspended();
    const missing = scopes.find((scope) => !auth.scopes.includes(scope));
    if (missing) throw authProblems.insufficientScope(missing);
    setRequestAuth(request, auth);
    await this.limits.admit(context, auth);
    return true;
  }

  private async authenticate(request: FastifyRequest): Promise<RequestAuth> {
    const key = presentedKey(request.headers);
    if (key === undefined) throw authProblems.unauthenticated('missing');
    const verified = await this.keys.verify(key);
    if (!verified.ok) throw authProblems.unauthenticated(verified.why);
    return authFromKey(verified.found);
  }
}
