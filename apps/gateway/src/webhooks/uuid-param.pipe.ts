import { Injectable, PipeTransform } from '@nestjs/common';
import { isUuid } from '@validahub/jobs-domain';
import { problems } from '../http/problem';

/** Ids in paths of webhooks and schedules are UUIDs: anything else is a 400 before any query. */
@Injectable()
export class UuidParamPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: { data?: string }): string {
    const field = metadata.data ?? 'id';
    if (!isUuid(value))
      throw problems.validation([{ field, message: 'must be a UUID' }], `"${String(value).slice(0, 64)}" is not a valid ${field} (UUID).`);
    return value.toLowerCase();
  }
}
