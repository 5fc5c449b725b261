import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ProblemException, problems } from '../../http/problem';
import { fieldProblems } from '../../http/validation';
import { CreateJobDto } from '../create-job.dto';

/**
 * One item of a batch checked as the create route's ValidationPipe checks a body (unknown keys
 * refused, types not converted), with the same field messages; a 400 problem otherwise. An
 * item's own `idempotency_key` is refused: the batch's Idempotency-Key covers every item.
 */
export function parseBatchItem(raw: unknown): CreateJobDto {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw problems.validation([{ field: 'item', message: 'must be an object (a create body)' }], 'The item is not a create body.');
  }
  if ('idempotency_key' in raw) {
    throw problems.validation(
      [{ field: 'idempotency_key', message: 'is not accepted in a batch item; send an Idempotency-Key header for the whole batch' }],
      'A batch item cannot carry its own idempotency key.',
    );
  }
  const dto = plainToInstance(CreateJobDto, raw, { enableImplicitConversion: false });
  const errors = validateSync(dto, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (errors.length) throw problems.validation(fieldProblems(errors));
  return dto;
}

export function isProblem(error: unknown): error is ProblemException {
  return error instanceof ProblemException;
}
