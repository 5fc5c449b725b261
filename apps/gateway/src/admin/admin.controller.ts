import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  ApiKeyView,
  CreatedKeyView,
  TenancyAdminError,
  TenantAdmin,
  TenantView,
  toCreatedKeyView,
  toKeyView,
  toTenantView,
} from '@validahub/tenancy';
import { RequireScopes } from '../auth/auth.decorators';
import { problems } from '../http/problem';
import { ApiProblems } from '../openapi/api-responses';
import {
  ApiKeyListDto,
  ApiKeyViewDto,
  CreatedKeyDto,
  CreateKeyDto,
  CreateTenantDto,
  TenantListDto,
  TenantViewDto,
  UpdateLimitOverridesDto,
  UpdateTenantDto,
} from './admin-dtos';

export const ADMIN_PATH = 'api/v1/admin';

/**
 * Tenants and API keys, for an admin key (the same operations as `npm run admin`). A change
 * holds on every gateway from the next request: each is published to the other replicas.
 */
@ApiTags('admin')
@RequireScopes('admin')
@Controller(ADMIN_PATH)
export class AdminController {
  constructor(private readonly admin: TenantAdmin) {}

  @Post('tenants')
  @HttpCode(201)
  @ApiCreatedResponse({ type: TenantViewDto })
  @ApiOperation({
    operationId: 'createTenant',
    summary: 'Create a tenant',
    description: 'A tenant with a unique name and a plan; `allowed_buckets` lists the S3 buckets its jobs may read.',
  })
  @ApiProblems(400, 409)
  async createTenant(@Body() body: CreateTenantDto): Promise<TenantView> {
    return toTenantView(await answer(this.admin.createTenant({ name: body.name, plan: body.plan, allowedBuckets: body.allowed_buckets })));
  }

  @Get('tenants')
  @ApiOkResponse({ type: TenantListDto })
  @ApiOperation({ operationId: 'listTenants', summary: 'List tenants', description: 'Every tenant, with plan and status.' })
  async listTenants(): Promise<{ items: TenantView[] }> {
    return { items: (await this.admin.listTenants()).map(toTenantView) };
  }

  @Get('tenants/:id')
  @ApiOkResponse({ type: TenantViewDto })
  @ApiOperation({ operationId: 'getTenant', summary: 'Get a tenant', description: 'One tenant by id or name.' })
  @ApiProblems(404)
  async showTenant(@Param('id') id: string): Promise<TenantView> {
    return toTenantView(await answer(this.admin.showTenant(id)));
  }

  @Patch('tenants/:id')
  @ApiOkResponse({ type: TenantViewDto, description: 'Changed; every gateway applies it from the next request.' })
  @ApiOperation({
    operationId: 'updateTenant',
    summary: 'Change a tenant',
    description: 'Plan, status (`active` / `suspended`) or allowed buckets; applied by every gateway from its next request.',
  })
  @ApiProblems(400, 404)
  async updateTenant(@Param('id') id: string, @Body() body: UpdateTenantDto): Promise<TenantView> {
    return toTenantView(await answer(this.admin.updateTenant(id, { plan: body.plan, status: body.status, allowedBuckets: body.allowed_buckets })));
  }

  @Patch('tenants/:id/limits')
  @ApiOkResponse({ type: TenantViewDto, description: 'Changed; every gateway and the workers apply it from the next request or enqueue.' })
  @ApiOperation({
    operationId: 'updateTenantLimits',
    summary: "Override a tenant's limits",
    description:
      "Sets the tenant's own value of any of its plan's limits (a whole number of at least 1), or removes it (`null`: the plan's value " +
      'applies again); limits not named keep their value. Rate limits and quotas hold on every gateway from the next request; ' +
      '`running_at_once` holds for the jobs enqueued from then on (at most 5 s later for jobs the reconciler re-enqueues).',
  })
  @ApiProblems(400, 404)
  async updateTenantLimits(@Param('id') id: string, @Body() body: UpdateLimitOverridesDto): Promise<TenantView> {
    return toTenantView(await answer(this.admin.setLimitOverrides(id, { ...body })));
  }

  @Post('tenants/:id/keys')
  @HttpCode(201)
  @ApiCreatedResponse({ type: CreatedKeyDto, description: 'The key is in the answer this once; only its hash is kept.' })
  @ApiOperation({
    operationId: 'createApiKey',
    summary: 'Create an API key',
    description: 'A key for the tenant; the secret is in this answer only (its hash is kept).',
  })
  @ApiProblems(400, 404)
  async createKey(@Param('id') id: string, @Body() body: CreateKeyDto): Promise<CreatedKeyView> {
    const { record, key } = await answer(
      this.admin.createKey(id, {
        scopes: body.scopes,
        admin: body.admin,
        expiresIn: body.expires_in,
        expiresAt: body.expires_at === undefined ? undefined : new Date(body.expires_at),
      }),
    );
    return toCreatedKeyView(record, key);
  }

  @Get('tenants/:id/keys')
  @ApiOkResponse({ type: ApiKeyListDto })
  @ApiOperation({ operationId: 'listApiKeys', summary: 'List the API keys of a tenant', description: 'Every key of the tenant (never the secrets).' })
  @ApiProblems(404)
  async listKeys(@Param('id') id: string): Promise<{ items: ApiKeyView[] }> {
    return { items: (await answer(this.admin.listKeys(id))).map(toKeyView) };
  }

  @Delete('keys/:id')
  @ApiOkResponse({ type: ApiKeyViewDto, description: 'Revoked (again: unchanged); refused by every gateway within 5 s.' })
  @ApiOperation({
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key',
    description: 'Every gateway refuses it within 5 seconds; revoking again changes nothing.',
  })
  @ApiProblems(404)
  async revokeKey(@Param('id') id: string): Promise<ApiKeyView> {
    return toKeyView(await answer(this.admin.revokeKey(id)));
  }
}

/** TenantAdmin's refusals as problems: 400 on the field, 404, 409. */
async function answer<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (!(error instanceof TenancyAdminError)) throw error;
    if (error.kind === 'not-found') throw problems.notFound(`${capitalize(error.message)}.`);
    if (error.kind === 'conflict') throw problems.conflict('tenant-name-taken', `${capitalize(error.message)}.`);
    throw problems.validation([{ field: error.field ?? 'body', message: error.message }], `Invalid ${error.field ?? 'request'}: ${error.message}.`);
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
