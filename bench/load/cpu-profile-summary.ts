/**
 * Summarises V8 `.cpuprofile` files (from `node --cpu-prof`): the frames with the most self
 * time, and self time per package (a node_modules package, our own code by folder, Node's
 * internals, GC, idle). Usage: node -r @swc-node/register bench/load/cpu-profile-summary.ts <file|dir> [top] [skip ms]
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** Share of the samples that were not idle. */
  busyMs: number;
  frames: SelfTime[];
  packages: SelfTime[];
  /** Frames by inclusive time: samples with the frame anywhere on their stack (each counted once per sample). */
  inclusive: SelfTime[];
}

/** `skipMs`: leave out the first milliseconds of the profile (start-up: module loading, migrations). */
export function summariseProfile(profile: CpuProfile, top = 20, skipMs = 0): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const selfUs = new Map<number, number>();
  let elapsedUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    elapsedUs += delta;
    if (elapsedUs >= skipMs * 1000) selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  });
  const frames = new Map<string, number>();
  const packages = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = (byId.get(id) as ProfileNode).callFrame;
    total += us;
    if (frame.functionName === '(idle)') idle += us;
    const name = frameName(frame);
    frames.set(name, (frames.get(name) ?? 0) + us);
    if (frame.functionName !== '(idle)') {
      // A recursive frame counts once per stack.
      const onStack = new Set<string>();
      for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) onStack.add(frameName((byId.get(at) as ProfileNode).callFrame));
      onStack.delete('(root)');
      for (const entry of onStack) inclusive.set(entry, (inclusive.get(entry) ?? 0) + us);
    }
    const pkg = packageOf(frame);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  const busy = total - idle;
  const ranked = (map: Map<string, number>) =>
    [...map]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
  return { totalMs: total / 1000, busyMs: busy / 1000, frames: ranked(frames), packages: ranked(packages), inclusive: ranked(inclusive) };
}

function frameName(frame: ProfileNode['callFrame']): string {
  return `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`.trim();
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) return url.slice(modules + 'node_modules/'.length);
  const ours = url.search(/\/(apps|libs)\//);
  return ours >= 0 ? url.slice(ours + 1) : url.replace(/^file:\/\//, '');
}

function packageOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const ours = /\/((apps|libs)\/(?:jobs\/|shared\/)?[^/]+)\//.exec(url);
  if (ours) return ours[1];
  return url.startsWith('node:') ? 'node internals' : url;
}

export function printSummary(label: string, summary: ProfileSummary): void {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  console.log(`\n${label}: ${summary.busyMs.toFixed(0)} ms busy of ${summary.totalMs.toFixed(0)} ms profiled`);
  console.log('  self time by package:');
  for (const entry of summary.packages) console.log(`    ${pct(entry.share)}  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`);
  console.log('  top frames by self time:');
  for (const entry of summary.frames) console.log(`    ${pct(entry.share)}  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`);
  console.log('  top frames by inclusive time (the frame anywhere on the stack):');
  for (const entry of summary.inclusive) console.log(`    ${pct(entry.share)}  ${entry.ms.toFixed(0).padStart(6)} ms  ${entry.name}`);
}

export function profilesIn(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.cpuprofile'))
    .map((name) => join(path, name));
}

if (require.main === module) {
  const [path, top, skipMs] = process.argv.slice(2);
  if (!path) throw new Error('usage: cpu-profile-summary.ts <file.cpuprofile|dir> [top] [skip ms]');
  for (const file of profilesIn(path)) {
    printSummary(file, summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top ?? 20), Number(skipMs ?? 0)));
  }
}
