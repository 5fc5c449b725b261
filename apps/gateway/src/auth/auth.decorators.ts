import { applyDecorators, SetMetadata } from '@nestjs/common';
import type { Scope } from '@validahub/tenancy';
import { ApiTenantRoute } from '../openapi/api-responses';

export const IS_PUBLIC = 'validahub:is-public';
export const REQUIRED_SCOPES = 'validahub:required-scopes';
export const OPERATOR_ROUTE = 'validahub:operator-route';

/** No credentials needed (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** The route needs an API key with these scopes; documented as such in OpenAPI. */
export function RequireScopes(...scopes: Scope[]) {
  return applyDecorators(SetMetadata(REQUIRED_SCOPES, scopes), ApiTenantRoute());
}

/** For operators' routes (/metrics): an admin key or METRICS_TOKEN. */
export const OperatorRoute = () => SetMetadata(OPERATOR_ROUTE, true);
