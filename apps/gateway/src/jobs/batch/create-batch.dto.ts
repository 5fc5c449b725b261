import { ApiProperty, ApiPropertyOptional, ApiSchema, getSchemaPath } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import { CreatedJobView } from '../job-views';
import { ProblemView } from '../../openapi/problem.view';

export const MAX_BATCH_ITEMS = 1_000;
/** The create body's schema as the document names it (one variant per task, see openapi/task-params-schemas.ts). */
const CREATE_JOB_REQUEST_REF = '#/components/schemas/CreateJobRequest';

/**
 * Body of POST /api/v1/jobs/batch. Only the envelope is checked here (an array of 1..1,000);
 * each item is checked on its own by the batch creator, so one bad item fails alone.
 */
@ApiSchema({ name: 'CreateJobsBatchRequest' })
export class CreateBatchDto {
  @ApiProperty({
    type: 'array',
    minItems: 1,
    maxItems: MAX_BATCH_ITEMS,
    items: { $ref: CREATE_JOB_REQUEST_REF },
    description: 'Create bodies, as POST /api/v1/jobs takes them, except `idempotency_key` (the Idempotency-Key header covers the whole batch).',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_ITEMS)
  jobs!: unknown[];
}

@ApiSchema({ name: 'BatchItem' })
export class BatchItemView {
  @ApiProperty({ description: 'Position of the item in `jobs` (from 0).', example: 0 }) index!: number;
  @ApiProperty({ description: 'What a single create of this item would have answered: 202 created, 400/403 refused.', example: 202 })
  status!: number;
  @ApiPropertyOptional({ type: CreatedJobView, description: 'The created job (status 202).' }) job?: CreatedJobView;
  @ApiPropertyOptional({ allOf: [{ $ref: getSchemaPath(ProblemView) }], description: 'Why this item was refused (status 4xx).' })
  problem?: ProblemView;
}

@ApiSchema({ name: 'BatchResult' })
export class BatchResultView {
  @ApiProperty({ type: [BatchItemView], description: 'One entry per item, in request order.' }) items!: BatchItemView[];
}
