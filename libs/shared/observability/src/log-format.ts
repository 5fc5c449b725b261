import type { TransportSingleOptions } from 'pino';

/**
 * Whether logs are pretty one-liners for a person or JSON lines for a collector: `pretty` and
 * `json` decide; `auto` is pretty only on a terminal outside production (a piped or collected
 * stdout always gets JSON).
 */
export function wantsPrettyLogs(format: 'auto' | 'json' | 'pretty', nodeEnv: string, stdoutIsTTY: boolean | undefined): boolean {
  if (format !== 'auto') return format === 'pretty';
  return stdoutIsTTY === true && nodeEnv !== 'production';
}

/**
 * pino-pretty as a pino transport: one line per record, time, level, service and message first.
 * Colours follow pino-pretty's own detection (a terminal, NO_COLOR, FORCE_COLOR).
 */
export function prettyTransport(): TransportSingleOptions {
  return {
    target: 'pino-pretty',
    options: {
      singleLine: true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,host,service,plans',
      messageFormat: '{service} {msg}',
    },
  };
}
