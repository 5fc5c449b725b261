import { HttpStatus } from '@nestjs/common';
import { ObjectNotFoundError, StorageAccessError, StorageUnavailableError, UploadTooLargeError } from '@validahub/storage';
import { DependencyUnavailableError } from '../http/dependency-errors';
import { ProblemException, problems } from '../http/problem';

// An error answer leaves the rest of the upload unread: closing the connection stops the
// client from sending it and keeps the socket from being reused half-way through a body.
const CLOSE = { Connection: 'close' };

export const ACCEPTED_CSV_TYPES = ['text/csv', 'application/csv', 'text/plain', 'application/vnd.ms-excel'];

export const uploadProblems = {
  tooLarge: (limitBytes: number) =>
    new ProblemException({
      status: HttpStatus.PAYLOAD_TOO_LARGE,
      type: 'payload-too-large',
      title: 'Payload too large',
      detail: `The file is larger than the upload limit of ${limitBytes} bytes.`,
      extensions: { limit_bytes: limitBytes },
      headers: CLOSE,
    }),
  notMultipart: () =>
    new ProblemException({
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      type: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'Send the file as multipart/form-data in a part named "file".',
      headers: CLOSE,
    }),
  notJsonRoute: () =>
    new ProblemException({
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      type: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail: 'Unsupported content type; send application/json. (multipart/form-data is accepted only by POST /api/v1/files)',
      headers: CLOSE,
    }),
  notCsv: (mimetype: string) =>
    new ProblemException({
      status: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
      type: 'unsupported-media-type',
      title: 'Unsupported media type',
      detail: `The file part has content type ${JSON.stringify(mimetype)}; upload a CSV (${ACCEPTED_CSV_TYPES.join(', ')}, or application/octet-stream with a .csv name).`,
      errors: [{ field: 'file', message: 'must be a CSV file' }],
      headers: CLOSE,
    }),
  missingFile: (detail: string) => withClose(problems.validation([{ field: 'file', message: 'a file part named "file" is required' }], detail)),
  emptyFile: () => problems.validation([{ field: 'file', message: 'must not be empty' }], 'The uploaded file is empty.'),
  malformed: (detail: string) => withClose(problems.validation([{ field: 'file', message: detail }], `The multipart body is malformed: ${detail}`)),
};

function withClose(problem: ProblemException): ProblemException {
  return new ProblemException({ ...problem.spec, headers: { ...problem.spec.headers, ...CLOSE } });
}

/** What a failed upload tells the client: too large 413, malformed 400, storage trouble 503. */
export function toUploadProblem(error: unknown, limitBytes: number): unknown {
  if (error instanceof UploadTooLargeError) return uploadProblems.tooLarge(limitBytes);
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_REQ_FILE_TOO_LARGE' || code === 'FST_PARTS_LIMIT' || code === 'FST_FILES_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return uploadProblems.tooLarge(limitBytes);
  }
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE') return uploadProblems.notMultipart();
  if (error instanceof StorageUnavailableError) return new DependencyUnavailableError('storage', { cause: error });
  // A missing bucket or refused credentials is our configuration, not the client's fault: still 503.
  if (error instanceof StorageAccessError || error instanceof ObjectNotFoundError) return new DependencyUnavailableError('storage', { cause: error });
  const status = (error as { statusCode?: unknown }).statusCode;
  // busboy/@fastify/multipart parse errors (truncated body, bad boundary, prototype field names).
  if (typeof status === 'number' && status >= 400 && status < 500) return uploadProblems.malformed((error as Error).message);
  if (
    error instanceof Error &&
    /Unexpected end of (form|multipart data)|terminated early|Malformed part header|Boundary not found|closed before it ended/i.test(error.message)
  ) {
    return uploadProblems.malformed(error.message);
  }
  return error;
}
