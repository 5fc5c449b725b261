import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@validahub/testing';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export interface NodeProcess {
  child: ChildProcess;
  output(): string;
  /** User + system CPU seconds this process has used so far (from /proc). */
  cpuSeconds(): number;
  /** Read and write system calls this process has made so far (from /proc/<pid>/io). */
  syscalls(): { reads: number; writes: number };
  /** Ends it: SIGUSR2 (a normal exit, so a `--cpu-prof` profile is written) when profiled, SIGTERM otherwise. */
  stop(): Promise<void>;
}

/**
 * A TypeScript entry point as its own Node process, optionally under `--cpu-prof` (profile
 * written into `profileDir` when it stops). Benchmarks start the gateway, workers and load
 * clients this way, so no measured process shares an event loop with another.
 */
export function startNodeProcess(entry: string, env: Record<string, string>, options: { profileDir?: string; args?: string[] } = {}): NodeProcess {
  const profile = options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, '-r', join(__dirname, 'exit-on-sigusr2.js')] : [];
  const child = spawn(process.execPath, [...profile, '-r', '@swc-node/register', entry, ...(options.args ?? [])], {
    cwd: WORKSPACE_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: Buffer) => (out = (out + d.toString()).slice(-200_000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    child,
    output: () => out,
    cpuSeconds: () => processCpuSeconds(child.pid as number),
    syscalls: () => processSyscalls(child.pid as number),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(options.profileDir ? 'SIGUSR2' : 'SIGTERM');
      await exited;
    },
  };
}

export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at ") "; utime and stime are the 12th and 13th of them.
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU seconds every core of the machine spent busy so far (everything but idle and iowait). */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = ticks;
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export function processSyscalls(pid: number): { reads: number; writes: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)`, 'm').exec(io)?.[1] ?? NaN);
  return { reads: field('syscr'), writes: field('syscw') };
}

/** The machine's load averages, to print beside every result. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
