import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_PRIORITY, MIN_PRIORITY, Plan, PLANS } from '@validahub/jobs-domain';

/** Body of POST /api/v1/jobs. `params` is checked per task by the domain's TaskRegistry. */
export class CreateJobDto {
  @ApiPropertyOptional({ example: 'validate_csv_job', description: 'A registered task name (this or `template`).' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  task?: string;

  @ApiPropertyOptional({
    example: 'ml-electronics-fix@2',
    description: 'A template, `name` (latest version) or `name@<version>`, instead of `task`: its params with `params` merged on top.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 80)
  template?: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { input_uri: 'test.csv', marketplace: 'mercado_livre' },
    description: 'The task’s params (with `template`: overrides of the template’s; may be omitted).',
  })
  @IsOptional()
  @IsObject()
  params?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: MIN_PRIORITY,
    maximum: MAX_PRIORITY,
    description: "Higher runs first within a queue. Default: the plan's priority.",
    example: 5,
  })
  @IsOptional()
  @IsInt()
  @Min(MIN_PRIORITY)
  @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ enum: PLANS, default: 'free', description: 'With API keys the plan is the key’s tenant’s; a different value is 403.' })
  @IsOptional()
  @IsIn(PLANS)
  plan?: Plan;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 255,
    pattern: '^[\\x20-\\x7E]+$',
    description: 'Same as the Idempotency-Key header: a repeat of the same request replays the first answer.',
    example: 'upload-xyz-123',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  @Matches(/^[\x20-\x7E]+$/, { message: 'idempotency_key must contain printable ASCII characters only' })
  idempotency_key?: string;
}
