import { ApiProblemError, createJobsClient, JobsClient, WaitTimeoutError } from '@validahub/jobs-client';
import type { CliSettings } from '@validahub/config';
import type { CliStreams } from '../cli-streams';
import { CliError, EXIT_CODES } from '../exit-codes';
import type { Colors } from '../output/colors';

/** Flags every remote command takes; they win over VALIDAHUB_URL / VALIDAHUB_API_KEY. */
export interface RemoteOptions {
  url?: string;
  apiKey?: string;
}

/** What a remote command needs: the client, where to write, and how to colour it. */
export interface RemoteContext {
  client: JobsClient;
  streams: CliStreams;
  out: Colors;
  err: Colors;
}

export function remoteContext(options: RemoteOptions, settings: CliSettings, streams: CliStreams, out: Colors, err: Colors): RemoteContext {
  const baseUrl = options.url ?? settings.url;
  if (!/^https?:\/\/[^/]/.test(baseUrl)) throw new CliError(`--url must be an http(s) URL, got "${baseUrl}"`);
  return { client: createJobsClient({ baseUrl, apiKey: options.apiKey ?? settings.apiKey }), streams, out, err };
}

/** Turns what the client throws into a message and an exit code (see exit-codes.ts). */
export function remoteFailure(error: unknown, baseUrl: string): CliError | null {
  if (error instanceof ApiProblemError) {
    const { problem, status } = error;
    const fields = problem.errors?.map((e) => `\n  ${e.field}: ${e.message}`).join('') ?? '';
    const code = status >= 500 ? EXIT_CODES.unavailable : EXIT_CODES.refused;
    return new CliError(
      `${status} ${problem.title}: ${problem.detail}${fields}\n  (type ${problem.type}, correlation id ${problem.correlation_id})`,
      code,
    );
  }
  if (error instanceof WaitTimeoutError) return new CliError(error.message, EXIT_CODES.jobNotSucceeded);
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return new CliError(
      `cannot reach the gateway at ${baseUrl}${cause ? ` (${cause})` : ''}; start it or set VALIDAHUB_URL / --url`,
      EXIT_CODES.unavailable,
    );
  }
  return null;
}
