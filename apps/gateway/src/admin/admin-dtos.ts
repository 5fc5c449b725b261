import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Omittable } from '../http/omittable';
import { Plan, PLANS } from '@validahub/jobs-domain';
import { SCOPES, TENANT_STATUSES, TenantStatus } from '@validahub/tenancy';

// Bodies and answers of the admin routes. Types are checked here; the rules (names, buckets,
// scopes, durations) are TenantAdmin's, shared with the admin CLI.

export class CreateTenantDto {
  @ApiProperty({ example: 'acme', description: '1-64 of a-z 0-9 _ -; unique.' })
  @IsString()
  @Length(1, 64)
  name!: string;

  @ApiPropertyOptional({ enum: PLANS, default: 'free' })
  @IsOptional()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({
    type: [String],
    description: 'Buckets its jobs may read s3:// inputs from (each must be in S3_ALLOWED_BUCKETS). Default none.',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  allowed_buckets?: string[];
}

export class UpdateTenantDto {
  @ApiPropertyOptional({ enum: PLANS })
  @Omittable()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({ enum: TENANT_STATUSES, description: '`suspended`: every key of the tenant gets 403 tenant-suspended.' })
  @Omittable()
  @IsIn(TENANT_STATUSES)
  status?: TenantStatus;

  @ApiPropertyOptional({ type: [String] })
  @Omittable()
  @IsArray()
  @IsString({ each: true })
  allowed_buckets?: string[];
}

/** One limit override: a whole number of at least 1, or null to go back to the plan's value. */
function LimitOverride(description: string): PropertyDecorator {
  const decorators = [
    ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER, nullable: true, description }),
    IsOptional(),
    IsInt(),
    Min(1),
    Max(Number.MAX_SAFE_INTEGER),
  ];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

export class UpdateLimitOverridesDto {
  @LimitOverride('Job creates per minute (plan: 30 / 300 / 1,200 / 6,000).')
  creates_per_minute?: number | null;

  @LimitOverride('Requests per minute (plan: 300 / 3,000 / 12,000 / 60,000).')
  requests_per_minute?: number | null;

  @LimitOverride('Unfinished (queued, running, retrying) jobs (plan: 20 / 500 / 5,000 / 50,000).')
  unfinished_jobs?: number | null;

  @LimitOverride("Jobs running at once in the tenant's tier, across every worker (plan: 1 / 2 / 3 / 5).")
  running_at_once?: number | null;

  @LimitOverride('Stored upload bytes (plan: 1 / 20 / 100 / 1,024 GiB).')
  upload_bytes?: number | null;
}

export class CreateKeyDto {
  @ApiPropertyOptional({ type: [String], enum: SCOPES, description: 'Default: every scope but admin.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  scopes?: string[];

  @ApiPropertyOptional({ description: 'An admin key: scope `admin` only (manages tenants, sees no jobs).' })
  @IsOptional()
  @IsBoolean()
  admin?: boolean;

  @ApiPropertyOptional({ example: '90d', description: 'Lifetime: a whole number and s, m, h, d or w.' })
  @IsOptional()
  @IsString()
  @Length(2, 16)
  expires_in?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;
}

export class TenantViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: PLANS }) plan!: string;
  @ApiProperty({ enum: TENANT_STATUSES }) status!: string;
  @ApiProperty({ type: [String] }) allowed_buckets!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { running_at_once: 4 },
    description: "The tenant's own values of its plan's limits; the plan's apply to the others.",
  })
  limit_overrides!: Record<string, number>;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class TenantListDto {
  @ApiProperty({ type: [TenantViewDto] }) items!: TenantViewDto[];
}

export class ApiKeyViewDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) tenant_id!: string;
  @ApiProperty({ example: 'vh_3kTq0ZbW8rLm', description: 'The non-secret start of the key.' }) prefix!: string;
  @ApiProperty({ type: [String], enum: SCOPES }) scopes!: string[];
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) expires_at!: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) revoked_at!: string | null;
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) last_used_at!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class ApiKeyListDto {
  @ApiProperty({ type: [ApiKeyViewDto] }) items!: ApiKeyViewDto[];
}

export class CreatedKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The key itself, shown this once: only its hash is stored.' }) key!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty({ type: [String] }) scopes!: string[];
  @ApiProperty({ nullable: true, format: 'date-time', type: String }) expires_at!: string | null;
}
