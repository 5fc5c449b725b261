import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { JOB_STATUSES, JobStatus, Plan, PLANS } from '@validahub/jobs-domain';
import { TEMPLATE_NAME_PATTERN } from '../templates/template-name';

// Query strings arrive as text: convert digits only, so "1.5", "abc" or "" fail IsInt instead of becoming NaN/0.
const toInteger = ({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value);

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

export class ListJobsQuery {
  @ApiPropertyOptional({ enum: JOB_STATUSES })
  @IsOptional()
  @IsIn(JOB_STATUSES)
  status?: JobStatus;

  @ApiPropertyOptional({ description: 'Task name' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  task?: string;

  @ApiPropertyOptional({ enum: PLANS })
  @IsOptional()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive lower bound on created_at' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  created_after?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Exclusive upper bound on created_at' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  created_before?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'Jobs created under this X-Correlation-Id' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  correlation_id?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'The job created with this idempotency key' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  idempotency_key?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Steps of this workflow' })
  @IsOptional()
  @IsUUID()
  workflow_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Jobs this schedule created' })
  @IsOptional()
  @IsUUID()
  schedule_id?: string;

  @ApiPropertyOptional({ description: 'Jobs made from this template (any version)' })
  @IsOptional()
  @IsString()
  @Matches(TEMPLATE_NAME_PATTERN, { message: 'template must be a template name (1-64 of a-z, 0-9, _ and -)' })
  template?: string;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page (not together with `offset`)' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(1)
  @Max(MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Transform(toInteger)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  offset?: number;
}
