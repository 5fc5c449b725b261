/**
 * Socket and pipe system calls and Postgres commits per `POST /api/v1/jobs`: counts that do not
 * depend on how busy a shared machine is, unlike req/s and (less so) CPU per request. One
 * gateway as its own process (fresh database, enterprise key, limits on but raised, info logs),
 * 2,000 warm-up creates, then `strace -c` attached to the gateway during N creates at 20
 * connections (autocannon as its own process). Needs strace (and ptrace permission).
 * Usage: node -r @swc-node/register bench/load/create-syscalls.ts [N]   (default 3000)
 */
import { spawn } from 'node:child_process';
import { runAutocannon } from './autocannon-run';
import { benchFeeds, benchTenantKey, RAISED_ENTERPRISE_LIMITS } from './bench-tenant';
import { startGatewayUnderTest } from './gateway-under-test';
import { commitsBetween, readBackendCpu } from './postgres-cpu';

const N = Number(process.argv[2] ?? 3000);
const TRACED = 'write,writev,sendto,sendmsg,read,readv,recvfrom';
// Postgres publishes its per-database counters about once a second.
const STATS_SETTLE_MS = 1_500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (!Number.isInteger(N) || N < 1) throw new Error('N must be a positive whole number');
  const target = await startGatewayUnderTest('syscalls', { ...RAISED_ENTERPRISE_LIMITS, RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'info' });
  try {
    const { key, tenantId } = await benchTenantKey(target.databaseUrl, 'enterprise');
    const [uri] = await benchFeeds(target.env.STORAGE_ROOT, tenantId, 1);
    const request = {
      url: `${target.base}/api/v1/jobs`,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ task: 'validate_csv_job', params: { input_uri: uri, marketplace: 'mercado_livre' } }),
      connections: 20,
    };
    await runAutocannon({ ...request, amount: 2000 });
    const strace = spawn('strace', ['-c', '-f', '-e', `trace=${TRACED}`, '-p', String(target.gateway.child.pid)], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let report = '';
    strace.stderr.on('data', (chunk: Buffer) => (report += chunk.toString()));
    const exited = new Promise((resolve) => strace.once('exit', resolve));
    await sleep(STATS_SETTLE_MS);
    const before = await readBackendCpu(target.databaseUrl);
    const result = await runAutocannon({ ...request, amount: N });
    await sleep(STATS_SETTLE_MS);
    const after = await readBackendCpu(target.databaseUrl);
    strace.kill('SIGINT');
    await exited;
    if (result.non2xx || result.errors) throw new Error(`${result.non2xx} non-2xx, ${result.errors} errors`);
    console.log(`${result.requests} creates; Postgres commits per create ${(commitsBetween(before, after) / result.requests).toFixed(3)}`);
    let found = false;
    for (const line of report.split('\n')) {
      // strace -c rows: % time, seconds, usecs/call, calls, [errors], syscall
      const row = /^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)\s*$/.exec(line);
      if (!row) continue;
      found = true;
      console.log(`  ${row[2].padEnd(8)} ${(Number(row[1]) / result.requests).toFixed(2)} per create`);
    }
    if (!found) throw new Error(`strace printed no counts:\n${report.slice(0, 2000)}`);
  } finally {
    await target.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
