import { CsvRulesError, OutputLimitExceededError, UnreadableCsvError } from '@validahub/csv-rules';
import { JOB_ERROR_CODES, PermanentJobError, TransientJobError } from '@validahub/jobs-domain';
import { clientStorageMessage, isTransientStorageError, ObjectNotFoundError, StorageError } from '@validahub/storage';

/**
 * Sorts what a CSV job can fail with into the job error classes. An abort is passed through
 * untouched: the runtime knows why it aborted (cancel, time limit, shutdown) and reports that.
 * A storage failure's message is the client-safe one (the job record is shown to the tenant);
 * the original stays as `cause`, which the runtime logs.
 */
export function toCsvJobError(error: unknown, inputUri: string, signal: AbortSignal): unknown {
  if (error instanceof PermanentJobError || error instanceof TransientJobError) return error;
  if (signal.aborted) return error;
  if (error instanceof ObjectNotFoundError) {
    return new PermanentJobError(JOB_ERROR_CODES.inputNotFound, `input not found: ${inputUri}`, { cause: error });
  }
  if (isTransientStorageError(error)) {
    return new TransientJobError(JOB_ERROR_CODES.storageUnavailable, clientStorageMessage(error as StorageError, inputUri), { cause: error });
  }
  if (error instanceof StorageError) {
    return new PermanentJobError(error.code, clientStorageMessage(error, inputUri), { cause: error });
  }
  if (error instanceof UnreadableCsvError) {
    return new PermanentJobError(JOB_ERROR_CODES.unreadableCsv, `input is not a readable CSV: ${error.message}`, { cause: error });
  }
  // A hard limit of the attempt, like running out of its memory: permanent, the same input hits it again.
  if (error instanceof OutputLimitExceededError) {
    return new PermanentJobError(JOB_ERROR_CODES.resourceLimit, error.message, { cause: error });
  }
  // Unknown ruleset, bad options: the request itself is wrong, another attempt changes nothing.
  if (error instanceof CsvRulesError) return new PermanentJobError(error.code, error.message, { cause: error });
  return error;
}
