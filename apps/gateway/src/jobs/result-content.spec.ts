import { ObjectNotFoundError, StorageAccessError, StorageUnavailableError, StorageUriError } from '@validahub/storage';
import { DependencyUnavailableError } from '../http/dependency-errors';
import { ProblemException } from '../http/problem';
import { viaStorage } from './result-content';

const ARN_TEXT = 'User: arn:aws:iam::123456789012:user/x is not authorized to perform: s3:GetObject on resource: arn:aws:s3:::bucket/key';

async function outcome(error: Error): Promise<unknown> {
  return viaStorage(() => Promise.reject(error), 'job-1').then(
    () => undefined,
    (e: unknown) => e,
  );
}

describe('viaStorage (result download)', () => {
  it('answers a gone result, or one outside the caller storage, with a 404 that names only the job', async () => {
    for (const error of [new ObjectNotFoundError(ARN_TEXT), new StorageUriError('outside_tenant', 'storage URI "x" is outside your storage')]) {
      const problem = (await outcome(error)) as ProblemException;
      expect(problem).toBeInstanceOf(ProblemException);
      expect(problem.spec).toMatchObject({ status: 404, detail: 'The stored result of job job-1 no longer exists.' });
    }
  });

  it('turns a backend that is down or refuses us into a 503 on storage, carrying none of its text', async () => {
    for (const error of [new StorageUnavailableError(ARN_TEXT), new StorageAccessError(ARN_TEXT)]) {
      const failure = await outcome(error);
      expect(failure).toBeInstanceOf(DependencyUnavailableError);
      expect((failure as DependencyUnavailableError).dependency).toBe('storage');
      expect((failure as Error).message).not.toContain('arn:');
    }
  });
});
