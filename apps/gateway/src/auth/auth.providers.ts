import { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyVerifier } from './api-key-verifier';
import { InvalidationListener } from './invalidation-listener';
import { OperatorAccess } from './operator-access';
import { VerifiedKeyCache } from './verified-key-cache';

/** API-key authentication: the global guard and what it uses (the tenancy providers supply the store and hasher). */
export const authProviders: Provider[] = [
  { provide: VerifiedKeyCache, useFactory: () => new VerifiedKeyCache() },
  InvalidationListener,
  ApiKeyVerifier,
  OperatorAccess,
  { provide: APP_GUARD, useClass: ApiKeyGuard },
];
