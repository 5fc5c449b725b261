/**
 * Create throughput against the framework's ceiling, on one gateway process, in one run:
 * `GET /health/live` and `POST /api/v1/jobs` (an enterprise tenant's API key, no idempotency key,
 * a `validate_csv_job` whose `input_uri` names a file in the tenant's storage, so confinement
 * checks a real path; logs at the default level, info, one JSON line per request to a pipe), each loaded by
 * autocannon as its own process at 20 connections, alternating, several rounds. Prints req/s,
 * p50/p99, the gateway's CPU ms per request (read from /proc, the least noisy figure on a shared
 * machine) and the create/health ratio per round. No workers run: jobs stay queued.
 *
 * Usage: node -r @swc-node/register bench/load/create-load.ts [--seconds 8] [--rounds 3]
 *        [--connections 20] [--batch 100] [--profile DIR] [--log-level info]
 *   --batch N  also loads POST /api/v1/jobs/batch with N jobs a request (jobs/s reported)
 *   --profile  runs the gateway under --cpu-prof, loads only the create route, prints the top
 *              self-time frames and packages (the profile file stays in DIR)
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { runAutocannon, LoadResult } from './autocannon-run';
import { benchFeeds, benchTenantKey, RAISED_ENTERPRISE_LIMITS } from './bench-tenant';
import { CpuProfile, printSummary, profilesIn, summariseProfile } from './cpu-profile-summary';
import { startGatewayUnderTest } from './gateway-under-test';
import { loadAverage } from './node-process';
import { backendCpuUsed, commitsBetween, readBackendCpu } from './postgres-cpu';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '20' },
    batch: { type: 'string' },
    profile: { type: 'string' },
    'log-level': { type: 'string', default: 'info' },
  },
});
const SECONDS = Number(values.seconds);
const ROUNDS = Number(values.rounds);
const CONNECTIONS = Number(values.connections);
const BATCH = values.batch ? Number(values.batch) : 0;

const FEEDS = 10;
const job = (inputUri: string) => ({ task: 'validate_csv_job', params: { input_uri: inputUri, marketplace: 'mercado_livre' } });
const batchBody = (uris: string[], n: number) => JSON.stringify({ jobs: Array.from({ length: n }, (_, i) => job(uris[i % uris.length])) });

interface Measured extends LoadResult {
  cpuMsPerRequest: number;
  /** CPU of the Postgres backends serving the gateway's database. */
  dbCpuMsPerRequest: number;
  /** Postgres transactions committed per request (creates share their insert statements). */
  commitsPerRequest: number;
}

async function main(): Promise<void> {
  for (const [name, n] of Object.entries({ seconds: SECONDS, rounds: ROUNDS, connections: CONNECTIONS })) {
    if (!Number.isFinite(n) || n < 1) throw new Error(`--${name} must be a positive number`);
  }
  if (values.profile) mkdirSync(values.profile, { recursive: true });
  console.log(`load average at start: ${loadAverage()} (2 cores shared)`);
  const spawnedAt = Date.now();
  let measuredFromMs = 0;
  const target = await startGatewayUnderTest(
    'createload',
    { ...RAISED_ENTERPRISE_LIMITS, RECONCILE_INTERVAL_MS: '0', LOG_LEVEL: values['log-level'] as string },
    values.profile,
  );
  try {
    const { key, tenantId } = await benchTenantKey(target.databaseUrl, 'enterprise');
    const uris = await benchFeeds(target.env.STORAGE_ROOT, tenantId, FEEDS);
    const CREATE_BODY = JSON.stringify(job(uris[0]));
    const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const measure = async (request: Parameters<typeof runAutocannon>[0]): Promise<Measured> => {
      const dbBefore = await readBackendCpu(target.databaseUrl);
      const cpuBefore = target.gateway.cpuSeconds();
      const result = await runAutocannon(request);
      const cpuMs = (target.gateway.cpuSeconds() - cpuBefore) * 1000;
      const dbAfter = await readBackendCpu(target.databaseUrl);
      const dbCpuMs = backendCpuUsed(dbBefore, dbAfter) * 1000;
      if (result.non2xx || result.errors)
        throw new Error(`${request.method ?? 'GET'} ${request.url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
      return {
        ...result,
        cpuMsPerRequest: cpuMs / result.requests,
        dbCpuMsPerRequest: dbCpuMs / result.requests,
        commitsPerRequest: commitsBetween(dbBefore, dbAfter) / result.requests,
      };
    };
    const health = () => measure({ url: `${target.base}/health/live`, connections: CONNECTIONS, seconds: SECONDS });
    const create = () =>
      measure({ url: `${target.base}/api/v1/jobs`, method: 'POST', headers: auth, body: CREATE_BODY, connections: CONNECTIONS, seconds: SECONDS });
    const batch = () =>
      measure({
        url: `${target.base}/api/v1/jobs/batch`,
        method: 'POST',
        headers: auth,
        body: batchBody(uris, BATCH),
        connections: CONNECTIONS,
        seconds: SECONDS,
      });

    // Warm-up: JIT, pools, prepared plans.
    await measure({ url: `${target.base}/api/v1/jobs`, method: 'POST', headers: auth, body: CREATE_BODY, connections: CONNECTIONS, seconds: 3 });
    if (!values.profile) await health();
    // The profile's start-up part (module loading, migrations, warm-up) is left out of the summary.
    measuredFromMs = Date.now() - spawnedAt;

    const f = (n: number, d = 1) => n.toFixed(d);
    const line = (name: string, r: Measured, perRequest = 1) =>
      `  ${name.padEnd(22)} ${f(r.reqPerSecond * perRequest, 0).padStart(6)} ${perRequest > 1 ? 'jobs/s' : 'req/s '}  p50 ${f(r.p50)} ms  p99 ${f(r.p99)} ms  ` +
      `gateway CPU ${f(r.cpuMsPerRequest / perRequest, 3)} ms/${perRequest > 1 ? 'job' : 'req'}, Postgres ${f(r.dbCpuMsPerRequest / perRequest, 3)} ms, ${f(r.commitsPerRequest, 3)} commits/req`;
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      console.log(`round ${round} (load ${loadAverage()}):`);
      if (values.profile) {
        console.log(line('POST /api/v1/jobs', await create()));
        continue;
      }
      // Alternate which goes first, so drift of a shared machine hits both alike.
      const [h, c] = round % 2 ? [await health(), await create()] : (([c2, h2]) => [h2, c2])([await create(), await health()]);
      console.log(line('GET /health/live', h));
      console.log(line('POST /api/v1/jobs', c));
      const ratio = c.reqPerSecond / h.reqPerSecond;
      ratios.push(ratio);
      console.log(`  create/health: ${f(ratio, 3)}x req/s; CPU per request ${f(c.cpuMsPerRequest / h.cpuMsPerRequest, 2)}x health's`);
      if (BATCH) {
        const b = await batch();
        console.log(line(`POST /jobs/batch x${BATCH}`, b, BATCH));
        console.log(`  batch jobs/s / health req/s: ${f((b.reqPerSecond * BATCH) / h.reqPerSecond, 3)}x`);
      }
    }
    if (ratios.length) {
      const sorted = [...ratios].sort((a, b) => a - b);
      console.log(
        `create/health req/s over ${ROUNDS} rounds: median ${f(sorted[Math.floor(sorted.length / 2)], 3)}x (min ${f(sorted[0], 3)}, max ${f(sorted[sorted.length - 1], 3)}); target >= 0.27x, p99 < 50 ms`,
      );
    }
  } finally {
    await target.close();
    console.log(`load average at end: ${loadAverage()}`);
  }
  if (values.profile) {
    for (const file of profilesIn(values.profile))
      printSummary(file, summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 25, measuredFromMs));
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
