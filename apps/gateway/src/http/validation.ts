import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, problems } from './problem';

/** Flattens class-validator's tree into `{ field: 'a.b', message }` entries. */
export function fieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const out: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message: message.replace(/^property /, '') });
    if (error.children?.length) out.push(...fieldProblems(error.children, field));
  }
  return out;
}

/** Unknown keys are errors (not silently dropped), and each failure names its field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Booleans/numbers in JSON bodies must already have the right type; queries convert explicitly.
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => problems.validation(fieldProblems(errors)),
  });
}
