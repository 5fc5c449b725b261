import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { MAX_PRIORITY, MIN_PRIORITY } from '@validahub/jobs-domain';
import { TEMPLATE_NAME_PATTERN } from './template-name';
import type { TemplateVersion } from './template-store';

/** Body of POST /api/v1/templates. */
export class CreateTemplateDto {
  @ApiProperty({ pattern: TEMPLATE_NAME_PATTERN.source, example: 'ml-electronics-fix' })
  @IsString()
  @Matches(TEMPLATE_NAME_PATTERN, { message: 'name must be 1-64 of a-z, 0-9, _ and -, starting with a letter or digit' })
  name!: string;

  @ApiProperty({ example: 'correct_csv_job', description: 'A registered, available task.' })
  @IsString()
  @Length(1, 64)
  task!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Params for the task; may leave out required ones that each job then gives (e.g. `input_uri`).',
    example: { marketplace: 'mercado_livre', category: 'electronics' },
  })
  @IsObject()
  params!: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'integer', minimum: MIN_PRIORITY, maximum: MAX_PRIORITY })
  @IsOptional()
  @IsInt()
  @Min(MIN_PRIORITY)
  @Max(MAX_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  description?: string;
}

@ApiSchema({ name: 'Template' })
export class TemplateView {
  @ApiProperty({ example: 'ml-electronics-fix' }) name!: string;
  @ApiProperty({ example: 2, description: 'Immutable: posting the same name again makes the next version.' }) version!: number;
  @ApiProperty({ example: 'correct_csv_job' }) task!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) params!: Record<string, unknown>;
  @ApiProperty({ nullable: true, type: Number }) priority!: number | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

@ApiSchema({ name: 'TemplateList' })
export class TemplateListView {
  @ApiProperty({ type: [TemplateView], description: 'The latest version of each template, by name.' }) items!: TemplateView[];
}

export function toTemplateView(template: TemplateVersion): TemplateView {
  return {
    name: template.name,
    version: template.version,
    task: template.taskName,
    params: template.params,
    priority: template.priority,
    description: template.description,
    created_at: template.createdAt.toISOString(),
  };
}
