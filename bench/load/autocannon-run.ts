import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@validahub/testing';

export interface LoadRequest {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds to run, or `amount` requests. */
  seconds?: number;
  amount?: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  reqPerSecond: number;
  p50: number;
  p99: number;
  /** When autocannon started and finished sending (epoch ms). */
  startedAt: number;
  finishedAt: number;
  /** Responses other than 2xx, and socket errors/timeouts. */
  non2xx: number;
  errors: number;
}

const AUTOCANNON = join(WORKSPACE_ROOT, 'node_modules', 'autocannon', 'autocannon.js');

/** Runs autocannon as its own process (never in the measuring or the measured process) and reads its JSON summary. */
export function runAutocannon(request: LoadRequest): Promise<LoadResult> {
  const args = [AUTOCANNON, '--json', '--no-progress', '-c', String(request.connections), '-m', request.method ?? 'GET'];
  // With an amount, autocannon notices it is done only at its next sample tick (1 s by default),
  // which would add up to a second to the run's finish time: sample every 10 ms instead.
  if (request.amount !== undefined) args.push('-a', String(request.amount), '-L', '10');
  else args.push('-d', String(request.seconds ?? 10));
  for (const [name, value] of Object.entries(request.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (request.body !== undefined) args.push('-b', request.body);
  args.push(request.url);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`autocannon failed: ${error.message}\n${stderr}`));
      try {
        const r = JSON.parse(stdout) as {
          requests: { total: number; average: number };
          latency: { p50: number; p99: number };
          duration: number;
          start: string;
          finish: string;
          non2xx: number;
          errors: number;
          timeouts: number;
          '2xx': number;
        };
        const seconds = r.duration;
        const answered = r['2xx'] + r.non2xx;
        resolve({
          requests: answered,
          seconds,
          reqPerSecond: answered / seconds,
          p50: r.latency.p50,
          p99: r.latency.p99,
          startedAt: Date.parse(r.start),
          finishedAt: Date.parse(r.finish),
          non2xx: r.non2xx,
          errors: r.errors + r.timeouts,
        });
      } catch (parseError) {
        reject(new Error(`autocannon printed no JSON summary (${String(parseError)}):\n${stdout.slice(0, 2000)}\n${stderr.slice(0, 2000)}`));
      }
    });
  });
}
