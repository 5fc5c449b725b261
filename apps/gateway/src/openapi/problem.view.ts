import { ApiProperty, ApiSchema, ApiPropertyOptional } from '@nestjs/swagger';
import { PROBLEM_TYPE_BASE } from '../http/problem';

// The wire shape of every error (RFC 9457 as the contract spells it), documented once and
// referenced by every error response of every operation.

@ApiSchema({ name: 'FieldProblem' })
export class FieldProblemView {
  @ApiProperty({ description: 'The field at fault: a body path (`params.input_uri`), a query parameter or a header.', example: 'params.input_uri' })
  field!: string;

  @ApiProperty({ example: 'is required' })
  message!: string;
}

@ApiSchema({ name: 'Problem' })
export class ProblemView {
  @ApiProperty({
    format: 'uri',
    description: `Stable problem type; clients branch on it. Slugs under ${PROBLEM_TYPE_BASE}: validation-error, not-found, job-not-succeeded, job-not-cancellable, idempotency-key-reused, idempotency-request-in-progress, payload-too-large, unsupported-media-type, dependency-unavailable, ...`,
    example: `${PROBLEM_TYPE_BASE}validation-error`,
  })
  type!: string;

  @ApiProperty({ example: 'Invalid request' })
  title!: string;

  @ApiProperty({ description: 'The HTTP status code.', example: 400 })
  status!: number;

  @ApiProperty({ description: 'What went wrong and what to do about it.', example: 'The request is not valid.' })
  detail!: string;

  @ApiPropertyOptional({ type: [FieldProblemView], description: 'One entry per bad field (validation errors).' })
  errors?: FieldProblemView[];

  @ApiProperty({ description: 'The request’s X-Correlation-Id (generated when absent); quote it when asking for help.', example: 'req-7f3a' })
  correlation_id!: string;

  @ApiPropertyOptional({ description: '409 job-not-succeeded / job-not-cancellable: the job’s status.', example: 'running' })
  job_status?: string;

  @ApiPropertyOptional({ description: '503: the dependency that is down (`postgres`, `redis`, `storage`).', example: 'redis' })
  dependency?: string;

  @ApiPropertyOptional({ description: '413 on uploads: the limit in bytes.', example: 1073741824 })
  limit_bytes?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: '503 from /health/ready: the state of each dependency.' })
  checks?: Record<string, unknown>;
}
