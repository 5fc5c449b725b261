import type { AppProcess } from '@validahub/testing';

interface LogLine {
  msg?: string;
  jobId?: string;
  [key: string]: unknown;
}

/** The JSON log lines a process printed (pino), skipping anything else. */
export function logLines(process: AppProcess): LogLine[] {
  return process
    .output()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** Ids of the jobs a worker logged `msg` for (e.g. "attempt started"). */
export function jobsLogged(process: AppProcess, msg: string): string[] {
  return logLines(process)
    .filter((line) => line.msg === msg && typeof line.jobId === 'string')
    .map((line) => line.jobId as string);
}
