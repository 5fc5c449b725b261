import { PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { classifyError, IO_ERROR_CODE } from './error-classifier';

const systemError = (code: string, message = 'socket trouble') => Object.assign(new Error(message), { code });

describe('classifyError', () => {
  it('keeps what a handler declared', () => {
    expect(classifyError(new PermanentJobError('input_not_found', 'no such file'))).toEqual({
      code: 'input_not_found',
      message: 'no such file',
      retryable: false,
    });
    expect(classifyError(new TransientJobError('storage_unavailable', 's3 503'))).toEqual({
      code: 'storage_unavailable',
      message: 's3 503',
      retryable: true,
    });
  });

  it('honours errors that carry their own code and retryable flag (storage errors)', () => {
    class StorageLikeError extends Error {
      readonly code = 'storage_unavailable';
      readonly retryable = true;
    }
    expect(classifyError(new StorageLikeError('connection refused'))).toEqual({
      code: 'storage_unavailable',
      message: 'connection refused',
      retryable: true,
    });
  });

  it.each(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'])('treats a %s system error as transient I/O', (code) => {
    const classified = classifyError(systemError(code));
    expect(classified.retryable).toBe(true);
    expect(classified.code).toBe(IO_ERROR_CODE);
    expect(classified.message).toContain(code);
  });

  it('finds a network code on the cause of a wrapping error (fetch, SDKs)', () => {
    const wrapped = new Error('fetch failed', { cause: systemError('ECONNRESET') });
    expect(classifyError(wrapped)).toMatchObject({ code: IO_ERROR_CODE, retryable: true });
  });

  it('treats a plain error (a bug) as a permanent handler_error', () => {
    expect(classifyError(new TypeError("Cannot read properties of undefined (reading 'x')"))).toEqual({
      code: 'handler_error',
      message: "Cannot read properties of undefined (reading 'x')",
      retryable: false,
    });
  });

  it('does not retry system errors that are not about the network', () => {
    expect(classifyError(systemError('ENOENT', 'no such file'))).toMatchObject({ code: 'handler_error', retryable: false });
    expect(classifyError(systemError('EACCES', 'permission denied'))).toMatchObject({ code: 'handler_error', retryable: false });
  });

  it('copes with things thrown that are not errors', () => {
    expect(classifyError('boom')).toEqual({ code: 'handler_error', message: 'boom', retryable: false });
    expect(classifyError(undefined)).toMatchObject({ code: 'handler_error', retryable: false });
    expect(classifyError(new Error(''))).toMatchObject({ message: 'unknown error', retryable: false });
  });

  it('ignores a code without a retryable flag, or a non-string code', () => {
    expect(classifyError(Object.assign(new Error('x'), { code: 42, retryable: true }))).toMatchObject({ code: 'handler_error', retryable: false });
    expect(classifyError(Object.assign(new Error('x'), { code: 'weird' }))).toMatchObject({ code: 'handler_error', retryable: false });
  });
});
