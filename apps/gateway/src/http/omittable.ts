import { ValidateIf } from 'class-validator';

/**
 * For PATCH bodies: the field may be left out, but a value sent is validated, null included.
 * (`IsOptional` also waves null through, which then reaches the store as "clear this column" and
 * fails there as a 500 instead of a 400 naming the field.)
 */
export const Omittable = (): PropertyDecorator => ValidateIf((_body: object, value: unknown) => value !== undefined);
