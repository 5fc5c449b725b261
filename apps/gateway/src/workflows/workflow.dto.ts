import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { MAX_PRIORITY, MIN_PRIORITY, Plan, PLANS } from '@validahub/jobs-domain';
import { MAX_STEPS, STEP_ID_PATTERN } from './workflow-graph';

export class WorkflowStepDto {
  @ApiProperty({ pattern: STEP_ID_PATTERN.source, example: 'correct', description: 'Unique within the workflow.' })
  @IsString()
  @Matches(STEP_ID_PATTERN, { message: 'id must be 1-64 of A-Z, a-z, 0-9, _ and -, starting with a letter or digit' })
  id!: string;

  @ApiPropertyOptional({ example: 'correct_csv_job', description: 'The task (this or `template`).' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  task?: string;

  @ApiPropertyOptional({ example: 'ml-fix@2', description: '`name` or `name@<version>` (this or `task`).' })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  template?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The task’s params; a string may be `${steps.<id>.output.<key>}` (an ancestor step’s output, e.g. `corrected_uri`).',
    example: { input_uri: '${steps.sync.output.uri}', marketplace: 'mercado_livre' },
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_STEPS, description: 'Step ids that must succeed before this one starts.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_STEPS)
  @IsString({ each: true })
  depends_on?: string[];

  @ApiPropertyOptional({ type: 'integer', minimum: MIN_PRIORITY, maximum: MAX_PRIORITY })
  @IsOptional()
  @IsInt()
  @Min(MIN_PRIORITY)
  @Max(MAX_PRIORITY)
  priority?: number;
}

/** Body of POST /api/v1/workflows. */
export class CreateWorkflowDto {
  @ApiPropertyOptional({ maxLength: 128, example: 'monthly feed pipeline' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  name?: string;

  @ApiProperty({ type: [WorkflowStepDto], minItems: 1, maxItems: MAX_STEPS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_STEPS)
  @ValidateNested({ each: true })
  @Type(() => WorkflowStepDto)
  steps!: WorkflowStepDto[];

  @ApiPropertyOptional({ enum: PLANS, description: 'With API keys the plan is the tenant’s (a different value is 403); AUTH_MODE=open honours it.' })
  @IsOptional()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({ minLength: 1, maxLength: 255, description: 'A repeat with the same key answers the workflow it created.' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @Matches(/^[\x20-\x7E]+$/, { message: 'idempotency_key must contain printable ASCII characters only' })
  idempotency_key?: string;
}

export class ListWorkflowsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @Type(() => String)
  @Matches(/^\d{1,3}$/, { message: 'limit must be a whole number between 1 and 100' })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `next_cursor` of the previous page.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;
}
