import { readFileSync } from 'node:fs';

/** kB value of one field of /proc/<pid>/status (VmRSS, VmHWM), or null once the process is gone. */
export function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/** Samples VmRSS of some processes every `everyMs` and keeps the peak and the samples. */
export class RssSampler {
  private readonly peaks = new Map<string, number>();
  private readonly samples = new Map<string, number[]>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pids: Record<string, number>,
    private readonly everyMs = 250,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** Peak sampled VmRSS in MB. */
  peakMb(name: string): number {
    return (this.peaks.get(name) ?? 0) / 1024;
  }

  /** VmRSS in MB at a given fraction of the samples (0.5 = median). */
  quantileMb(name: string, q: number): number {
    const sorted = [...(this.samples.get(name) ?? [])].sort((a, b) => a - b);
    return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1024 : 0;
  }

  /** The kernel's own high-water mark (VmHWM) in MB: catches peaks between samples. */
  highWaterMb(name: string): number {
    return (procStatusKb(this.pids[name], 'VmHWM') ?? 0) / 1024;
  }

  private sample(): void {
    for (const [name, pid] of Object.entries(this.pids)) {
      const kb = procStatusKb(pid, 'VmRSS');
      if (kb === null) continue;
      this.peaks.set(name, Math.max(this.peaks.get(name) ?? 0, kb));
      this.samples.set(name, [...(this.samples.get(name) ?? []), kb]);
    }
  }
}
