import type { ValidationProgress } from '@validahub/csv-rules';
import { TaskContext } from '../task-handler';

/**
 * Engine progress -> job progress. Bytes read give the percentage when the size is known; it
 * stops at 99 until the report is stored. Without a size only the message moves.
 */
export function progressReporter(ctx: Pick<TaskContext, 'reportProgress'>) {
  return (progress: ValidationProgress): void => {
    const message = `Validating ${progress.rowsRead} rows`;
    if (progress.fraction === null) return ctx.reportProgress(0, message);
    const percent = Math.min(99, progress.fraction * 100);
    ctx.reportProgress(Math.round(percent * 10) / 10, message);
  };
}
