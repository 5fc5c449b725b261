import { Injectable, PipeTransform } from '@nestjs/common';
import { isUuid } from '@validahub/jobs-domain';
import { problems } from '../http/problem';

/** Job ids are UUIDs; anything else is a 400 naming the field, before any database call. */
@Injectable()
export class JobIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isUuid(value))
      throw problems.validation([{ field: 'id', message: 'must be a UUID' }], `"${String(value).slice(0, 64)}" is not a job id (UUID).`);
    return value.toLowerCase();
  }
}
