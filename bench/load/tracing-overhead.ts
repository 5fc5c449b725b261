/**
 * What tracing costs the create path: two gateways as their own processes, one with tracing off
 * (no OTEL_* variables: the SDK is not even loaded) and one with tracing on (OTLP over
 * http/protobuf, the default protocol, through the SDK's batch span processor, to an OTLP/HTTP
 * receiver in this process that counts the spans it gets), each on its own fresh database, queue
 * prefix and storage, no workers, no reconciler. autocannon, as its own process, loads
 * `POST /api/v1/jobs` (an enterprise tenant's key, a `validate_csv_job` on a file in its storage)
 * on each in turn, alternating which goes first, several rounds. Prints req/s, p50/p99 and the
 * gateway's CPU ms per request of each, the on/off ratios per round and their medians, the spans
 * received per traced create, and whether throughput is within 5%.
 *
 * `--together` loads both gateways in the same window instead (two autocannon processes): on a
 * machine whose other load changes from one window to the next, the steadier comparison.
 *
 * Usage: node -r @swc-node/register bench/load/tracing-overhead.ts [--seconds 8] [--rounds 4] [--connections 20] [--together]
 *        (or npm run bench:tracing)
 */
import { parseArgs } from 'node:util';
import { OtlpReceiver } from '@validahub/testing';
import { runAutocannon, LoadResult } from './autocannon-run';
import { benchFeeds, benchTenantKey } from './bench-tenant';
import { GatewayUnderTest, startGatewayUnderTest } from './gateway-under-test';
import { loadAverage } from './node-process';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '4' },
    connections: { type: 'string', default: '20' },
    together: { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const MAX_GAP = 0.05;
const WARM_UP_SECONDS = 10;
const UNREFUSED = {
  RATE_LIMIT_CREATES_PER_MINUTE_ENTERPRISE: '100000000',
  RATE_LIMIT_REQUESTS_PER_MINUTE_ENTERPRISE: '100000000',
  QUOTA_UNFINISHED_JOBS_ENTERPRISE: '100000000',
};

interface Target {
  label: string;
  gateway: GatewayUnderTest;
  auth: Record<string, string>;
  body: string;
}

interface Measured extends LoadResult {
  cpuMsPerRequest: number;
}

async function prepare(label: string, env: Record<string, string>): Promise<Target> {
  // Same env apart from tracing: info-level request lines to a pipe, as in create-load; the
  // tenant's limits are still checked on every create, but set too high to refuse one in a long run.
  const gateway = await startGatewayUnderTest(`tracing${label}`, { RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: 'info', ...UNREFUSED, ...env });
  const { key, tenantId } = await benchTenantKey(gateway.databaseUrl, 'enterprise');
  const [uri] = await benchFeeds(gateway.env.STORAGE_ROOT, tenantId, 1);
  return {
    label,
    gateway,
    auth: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ task: 'validate_csv_job', params: { input_uri: uri, marketplace: 'mercado_livre' } }),
  };
}

async function load(target: Target, seconds: number): Promise<Measured> {
  const cpuBefore = target.gateway.gateway.cpuSeconds();
  const url = `${target.gateway.base}/api/v1/jobs`;
  const result = await runAutocannon({ url, method: 'POST', headers: target.auth, body: target.body, connections: CONNECTIONS, seconds });
  const cpuMs = (target.gateway.gateway.cpuSeconds() - cpuBefore) * 1000;
  if (result.non2xx || result.errors) throw new Error(`${target.label}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { ...result, cpuMsPerRequest: cpuMs / result.requests };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = (n: number, d = 1) => n.toFixed(d);

async function main(): Promise<void> {
  for (const [name, n] of Object.entries({ seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive whole number`);
  }
  console.log(`load average at start: ${loadAverage()} (2 cores shared)`);
  const receiver = await OtlpReceiver.start();
  const targets: Target[] = [];
  try {
    targets.push(await prepare('off', {}));
    targets.push(await prepare('on', { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'validahub-gateway-bench' }));
    const [off, on] = targets;
    // Warm-up of both: JIT (the exporter's path too: the first rounds after a short warm-up cost
    // tracing visibly more), pools, prepared plans, the exporter's connection.
    await Promise.all(targets.map((target) => load(target, WARM_UP_SECONDS)));
    const line = (label: string, r: Measured) =>
      `  tracing ${label.padEnd(4)} ${f(r.reqPerSecond, 0).padStart(6)} req/s  p50 ${f(r.p50)} ms  p99 ${f(r.p99)} ms  gateway CPU ${f(r.cpuMsPerRequest, 3)} ms/req`;
    const throughput: number[] = [];
    const cpu: number[] = [];
    let tracedRequests = 0;
    const spansBefore = receiver.spanCount;
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round} (load ${loadAverage()}):`);
      const results = new Map<Target, Measured>();
      if (values.together) {
        // Both loaded in the same window: whatever else the machine does hits both at once, and
        // the two gateways share its cores, so their req/s ratio is the inverse of their CPU cost.
        const [a, b] = await Promise.all([load(off, SECONDS), load(on, SECONDS)]);
        results.set(off, a).set(on, b);
      } else {
        // Alternate which goes first, so drift of a shared machine hits both alike.
        for (const target of round % 2 ? [off, on] : [on, off]) results.set(target, await load(target, SECONDS));
      }
      const [a, b] = [results.get(off)!, results.get(on)!];
      tracedRequests += b.requests;
      console.log(line('off', a));
      console.log(line('on', b));
      throughput.push(b.reqPerSecond / a.reqPerSecond);
      cpu.push(b.cpuMsPerRequest / a.cpuMsPerRequest);
      console.log(`  on/off: ${f(throughput[throughput.length - 1], 3)}x req/s, ${f(cpu[cpu.length - 1], 3)}x CPU per request`);
    }
    // The batch processor exports within its schedule delay (5 s by default): wait for the last spans.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    const spans = receiver.spanCount - spansBefore;
    const ratio = median(throughput);
    console.log(
      `median over ${ROUNDS} rounds: tracing on/off ${f(ratio, 3)}x req/s (min ${f(Math.min(...throughput), 3)}, max ${f(Math.max(...throughput), 3)}), ` +
        `${f(median(cpu), 3)}x gateway CPU per request`,
    );
    console.log(
      `spans received: ${spans} for ${tracedRequests} traced creates (${f(spans / tracedRequests, 2)} a create), ` +
        `${receiver.requests} exports, ${(receiver.bytes / 1024 / 1024).toFixed(1)} MiB, ${receiver.malformed} undecodable`,
    );
    console.log(
      `${Math.abs(1 - ratio) <= MAX_GAP ? 'OK' : 'OVER'}: create throughput with tracing on is within ${MAX_GAP * 100}% of off: ${f((ratio - 1) * 100)}%`,
    );
  } finally {
    await Promise.all(targets.map((t) => t.gateway.close()));
    await receiver.close();
    console.log(`load average at end: ${loadAverage()}`);
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
