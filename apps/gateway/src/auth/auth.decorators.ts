import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Scope } from '@validahub/tenancy';

export const IS_PUBLIC = 'validahub:is-public';
export const REQUIRED_SCOPES = 'validahub:required-scopes';
export const OPERATOR_ROUTE = 'validahub:operator-route';
/** Name of the OpenAPI security scheme (HTTP bearer). */
export const BEARER_SCHEME = 'api-key';

/** No credentials needed (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route needs an API key with these scopes; documented as such in OpenAPI. */
export function RequireScopes(...scopes: Scope[]) {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiBearerAuth(BEARER_SCHEME),
    ApiUnauthorizedResponse({ description: 'No API key, or a malformed, unknown, revoked or expired one (problem `unauthenticated`).' }),
    ApiForbiddenResponse({
      description: `The key lacks the scope ${scopes.join(', ')} (\`insufficient-scope\`), or its tenant is suspended (\`tenant-suspended\`).`,
    }),
  );
}

/** For operators' routes (/metrics): an admin key or METRICS_TOKEN. */
export const OperatorRoute = () => SetMetadata(OPERATOR_ROUTE, true);
