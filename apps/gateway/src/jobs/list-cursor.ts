import type { JobListCursor } from '@validahub/jobs-persistence';
import { problems } from '../http/problem';

// An opaque page cursor: base64url of "<created_at ISO>|<id>", the last job of the page before.

export function encodeListCursor(job: { createdAt: Date; id: string }): string {
  return Buffer.from(`${job.createdAt.toISOString()}|${job.id}`, 'utf8').toString('base64url');
}

/** The cursor's position; a 400 on `cursor` for anything that is not one we made. */
export function decodeListCursor(cursor: string): JobListCursor {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(text);
  const createdAt = match ? new Date(match[1]) : null;
  // Round-trip: Date rolls "02-30" over into March, which no cursor we made can say.
  if (!match || !createdAt || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== match[1]) {
    throw problems.validation([{ field: 'cursor', message: 'not a cursor from a previous page (use next_cursor as given)' }]);
  }
  return { createdAt, id: match[2] };
}
