/**
 * `GET /api/v1/jobs` with 1,000,000 jobs in the table (issue 17: p99 under 50 ms for the first
 * page of each filter and for cursor pages, deep ones too).
 *
 * The gateway runs as its own process (apps/gateway/src/main.ts, AUTH_MODE=required, limits off
 * so the limiter's Redis calls are not in the figure) on a fresh database; this process bulk-loads
 * the jobs with SQL (list-1m-data.ts), then sends requests one at a time over loopback:
 * - baselines in the same run: `GET /health/live` (the framework) and the first page, no filter;
 * - the first page of each filter on the largest tenant (40% of the table);
 * - a full cursor walk of that tenant (limit 100) and of two filtered lists, every page timed,
 *   checking that no job is skipped or repeated; then pages at depths 25%..~100% by cursor;
 * - the offset path (still in the contract) at growing depths, for comparison;
 * - the repository's own statement in Postgres (EXPLAIN ANALYZE, repeated): plan and execution time
 *   of each first page and of deep cursor pages.
 * Gateway CPU per request comes from /proc (steadier than wall time on a shared machine).
 *
 * Usage: node -r @swc-node/register bench/jobs/list-1m.ts [--rows 1000000] [--samples 300] [--profile DIR]
 * (`--profile` runs the gateway under --cpu-prof; summarise with bench/load/cpu-profile-summary.ts.)
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import type { Plan } from '@validahub/jobs-domain';
import { jobListStatement, type JobListCursor, type JobListFilter } from '@validahub/jobs-persistence';
import { benchTenantKey } from '../load/bench-tenant';
import { startGatewayUnderTest } from '../load/gateway-under-test';
import { loadAverage } from '../load/node-process';
import { summarise } from './latency-stats';
import { BenchListTenant, DAYS, JOBS_FROM, loadJobs, TEMPLATES } from './list-1m-data';

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, samples: { type: 'string', default: '300' }, profile: { type: 'string' } },
});
const ROWS = Number(args.rows);
const SAMPLES = Number(args.samples);
const WARM_UP = 20;
const GOAL_P99_MS = 50;

interface Page {
  items: { id: string }[];
  total: number;
  total_is_lower_bound: boolean;
  next_cursor: string | null;
}

interface Row {
  label: string;
  stats: ReturnType<typeof summarise>;
  cpuMs: number;
  total?: string;
  goal: boolean;
}

async function main(): Promise<void> {
  if (!Number.isInteger(ROWS) || ROWS < 1000) throw new Error(`--rows must be a whole number of at least 1000, got ${args.rows}`);
  if (!Number.isInteger(SAMPLES) || SAMPLES < 10) throw new Error(`--samples must be a whole number of at least 10, got ${args.samples}`);
  const gut = await startGatewayUnderTest('benchlist', { AUTH_MODE: 'required', LIMITS_ENABLED: 'false' }, args.profile);
  const pg = new Client({ connectionString: gut.databaseUrl });
  await pg.connect();
  try {
    const plans: [Plan, number][] = [
      ['enterprise', 0.4],
      ['business', 0.3],
      ['pro', 0.2],
      ['free', 0.1],
    ];
    const tenants: (BenchListTenant & { key: string })[] = [];
    for (const [plan, share] of plans) {
      const { key, tenantId } = await benchTenantKey(gut.databaseUrl, plan);
      tenants.push({ id: tenantId, plan, share, key });
    }
    const loadMs = await loadJobs(pg, tenants, ROWS);
    const [{ count }] = (await pg.query(`SELECT count(*)::int AS count FROM jobs`)).rows;
    const big = tenants[0];
    const [{ count: bigCount }] = (await pg.query(`SELECT count(*)::int AS count FROM jobs WHERE tenant_id = $1`, [big.id])).rows;
    console.log(
      `loaded ${count} jobs in ${(loadMs / 1000).toFixed(1)} s (with VACUUM ANALYZE); measured tenant: ${bigCount} jobs; load avg ${loadAverage()}`,
    );

    const get = async (path: string, key: string | null = big.key): Promise<{ ms: number; page: Page }> => {
      const started = performance.now();
      const response = await fetch(`${gut.base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      const text = await response.text();
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}: ${text.slice(0, 500)}`);
      return { ms, page: (key ? JSON.parse(text) : {}) as Page };
    };
    const rows: Row[] = [];
    const measure = async (label: string, paths: string[], options: { key?: string | null; samples?: number; goal?: boolean } = {}) => {
      const key = options.key === undefined ? big.key : options.key;
      const n = options.samples ?? SAMPLES;
      for (let i = 0; i < Math.min(WARM_UP, n); i++) await get(paths[i % paths.length], key);
      const samples: number[] = [];
      let last: Page | undefined;
      const cpuBefore = gut.gateway.cpuSeconds();
      for (let i = 0; i < n; i++) {
        const { ms, page } = await get(paths[i % paths.length], key);
        samples.push(ms);
        last = page;
      }
      const cpuMs = ((gut.gateway.cpuSeconds() - cpuBefore) * 1000) / n;
      const total = last && key ? `${last.total}${last.total_is_lower_bound ? '+' : ''}` : undefined;
      const row = { label, stats: summarise(samples), cpuMs, total, goal: options.goal ?? true };
      rows.push(row);
      console.log(`  ${label}: p50 ${row.stats.p50.toFixed(2)} ms, p99 ${row.stats.p99.toFixed(2)} ms`);
      return row;
    };

    // Values that exist for the measured tenant (tenant index 0 in the loader's names).
    const recent = new Date(JOBS_FROM.getTime() + (DAYS - 7) * 86_400_000).toISOString();
    const early = new Date(JOBS_FROM.getTime() + 30 * 86_400_000).toISOString();
    const mid = new Date(JOBS_FROM.getTime() + 180 * 86_400_000).toISOString();
    const one = async (column: string) =>
      (await pg.query(`SELECT ${column} AS v FROM jobs WHERE tenant_id = $1 AND ${column} IS NOT NULL ORDER BY created_at DESC LIMIT 1`, [big.id]))
        .rows[0].v as string;
    const [correlationId, idempotencyKey, workflowId, scheduleId] = [
      await one('correlation_id'),
      await one('idempotency_key'),
      await one('workflow_id'),
      await one('schedule_id'),
    ];
    const filters: [string, string, Partial<JobListFilter>][] = [
      ['no filter', '', {}],
      ['status=succeeded (70%)', 'status=succeeded', { status: 'succeeded' }],
      ['status=retrying (2%)', 'status=retrying', { status: 'retrying' }],
      ['task=generate_report_job (10%)', 'task=generate_report_job', { taskName: 'generate_report_job' }],
      ['plan=free (10%)', 'plan=free', { plan: 'free' }],
      ['created_after=last 7 days', `created_after=${recent}`, { createdAfter: new Date(recent) }],
      ['created_before=day 30', `created_before=${early}`, { createdBefore: new Date(early) }],
      ['created window day 30..180', `created_after=${early}&created_before=${mid}`, { createdAfter: new Date(early), createdBefore: new Date(mid) }],
      ['correlation_id', `correlation_id=${correlationId}`, { correlationId }],
      ['idempotency_key', `idempotency_key=${idempotencyKey}`, { idempotencyKey }],
      ['workflow_id', `workflow_id=${workflowId}`, { workflowId }],
      ['schedule_id (10% over 20)', `schedule_id=${scheduleId}`, { scheduleId }],
      [`template=${TEMPLATES[1]}`, `template=${TEMPLATES[1]}`, { template: TEMPLATES[1] }],
      ['status=failed & task=correct_csv_job', 'status=failed&task=correct_csv_job', { status: 'failed', taskName: 'correct_csv_job' }],
      [
        'status=retrying & created window',
        `status=retrying&created_after=${early}&created_before=${mid}`,
        { status: 'retrying', createdAfter: new Date(early), createdBefore: new Date(mid) },
      ],
    ];

    console.log(`\nbaselines and first pages (limit 20), ${SAMPLES} sequential requests each after ${WARM_UP} warm-up:`);
    const health = await measure('GET /health/live (baseline)', ['/health/live'], { key: null, goal: false });
    for (const [label, query] of filters) await measure(`first page, ${label}`, [`/api/v1/jobs${query ? `?${query}` : ''}`]);
    await measure('first page, no filter, limit=100', ['/api/v1/jobs?limit=100']);

    console.log('\ncursor walks (limit 100), every page timed, no job skipped or repeated:');
    const deepCursors: { depth: number; cursor: string }[] = [];
    const walk = async (label: string, query: string, expected: number) => {
      const depths = [0.25, 0.5, 0.75, 0.999].map((f) => Math.floor((expected * f) / 100) * 100);
      const seen = new Set<string>();
      const samples: number[] = [];
      let cursor: string | null = null;
      const cpuBefore = gut.gateway.cpuSeconds();
      do {
        const { ms, page }: { ms: number; page: Page } = await get(`/api/v1/jobs?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`);
        samples.push(ms);
        for (const item of page.items) {
          if (seen.has(item.id)) throw new Error(`${label}: job ${item.id} repeated at depth ${seen.size}`);
          seen.add(item.id);
        }
        cursor = page.next_cursor;
        if (!query && cursor && depths.includes(seen.size)) deepCursors.push({ depth: seen.size, cursor });
      } while (cursor);
      if (seen.size !== expected) throw new Error(`${label}: walked ${seen.size} jobs, the table holds ${expected}`);
      const row = {
        label: `cursor walk, ${label}: ${samples.length} pages`,
        stats: summarise(samples),
        cpuMs: ((gut.gateway.cpuSeconds() - cpuBefore) * 1000) / samples.length,
        total: String(expected),
        goal: true,
      };
      rows.push(row);
      console.log(`  ${row.label}: p50 ${row.stats.p50.toFixed(2)} ms, p99 ${row.stats.p99.toFixed(2)} ms, ${seen.size} distinct jobs`);
    };
    const countWhere = async (where: string) =>
      (await pg.query(`SELECT count(*)::int AS n FROM jobs WHERE tenant_id = $1 AND ${where}`, [big.id])).rows[0].n as number;
    await walk('no filter', '', bigCount);
    await walk('status=failed', '&status=failed', await countWhere(`status = 'failed'`));
    await walk('task=sync_connector_job', '&task=sync_connector_job', await countWhere(`task_name = 'sync_connector_job'`));

    console.log('\ndeep pages (limit 20) by cursor and by offset:');
    for (const { depth, cursor } of deepCursors) await measure(`cursor page at depth ${depth}`, [`/api/v1/jobs?cursor=${cursor}`]);
    const offsetSamples = Math.max(10, Math.floor(SAMPLES / 10));
    for (const offset of [0, 10_000, 100_000, Math.floor(bigCount * 0.999)]) {
      await measure(`offset=${offset}`, [`/api/v1/jobs?offset=${offset}`], { samples: offset >= 100_000 ? offsetSamples : SAMPLES, goal: false });
    }

    printTable(rows, health, rows.find((r) => r.label === 'first page, no filter') as Row);
    await explainFirstPages(pg, big.id, filters);
  } finally {
    await pg.end();
    await gut.close();
  }
}

function printTable(rows: Row[], health: Row, firstPage: Row): void {
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}x`;
  console.log(`\nGET /api/v1/jobs with ${ROWS.toLocaleString('en')} jobs (ms; ratios to the baselines of this run; goal p99 < ${GOAL_P99_MS} ms):`);
  console.log(
    `${'case'.padEnd(62)} ${'n'.padStart(5)} ${'p50'.padStart(8)} ${'p99'.padStart(8)} ${'p99/health'.padStart(10)} ${'p50/1st pg'.padStart(10)} ${'gw CPU'.padStart(7)} ${'total'.padStart(8)}  goal`,
  );
  for (const row of rows) {
    const goal = row.goal ? (row.stats.p99 < GOAL_P99_MS ? 'ok' : 'MISSED') : '-';
    console.log(
      `${row.label.padEnd(62)} ${String(row.stats.n).padStart(5)} ${row.stats.p50.toFixed(2).padStart(8)} ${row.stats.p99.toFixed(2).padStart(8)} ` +
        `${ratio(row.stats.p99, health.stats.p99).padStart(10)} ${ratio(row.stats.p50, firstPage.stats.p50).padStart(10)} ${row.cpuMs.toFixed(2).padStart(7)} ${(row.total ?? '').padStart(8)}  ${goal}`,
    );
  }
  const missed = rows.filter((r) => r.goal && r.stats.p99 >= GOAL_P99_MS);
  console.log(
    missed.length ? `\nMISSED the goal: ${missed.map((r) => r.label).join('; ')}` : `\nevery first page and cursor page: p99 < ${GOAL_P99_MS} ms`,
  );
  console.log(`(gw CPU = gateway CPU ms per request; total "+" = total_is_lower_bound; load avg ${loadAverage()})`);
}

interface PlanNode {
  'Node Type': string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const EXPLAIN_RUNS = 30;

/**
 * The repository's own statement as Postgres runs it: its plan (indexes, any sort) and its
 * execution time over EXPLAIN_RUNS runs, the database's share of a request without HTTP, JSON or
 * the machine's other processes' share of the gateway's CPU.
 */
async function explainFirstPages(pg: Client, tenantId: string, filters: [string, string, Partial<JobListFilter>][]): Promise<void> {
  const positionAt = async (depth: number): Promise<JobListCursor> => {
    const { rows } = await pg.query(`SELECT created_at, id FROM jobs WHERE tenant_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`, [
      tenantId,
      depth,
    ]);
    return { createdAt: rows[0].created_at as Date, id: rows[0].id as string };
  };
  const cases: [string, Partial<JobListFilter>][] = [
    ...filters.map(([label, , filter]) => [`first page, ${label}`, filter] as [string, Partial<JobListFilter>]),
    ['cursor page at depth 200000', { after: await positionAt(200_000) }],
    ['cursor page at depth 399000', { after: await positionAt(399_000) }],
    ['cursor page at depth 200000, status=succeeded', { status: 'succeeded', after: await positionAt(200_000) }],
  ];
  console.log(`
the list statement in Postgres (limit 20): execution ms over ${EXPLAIN_RUNS} runs (EXPLAIN ANALYZE, TIMING OFF), plan:`);
  for (const [label, filter] of cases) {
    const { sql, params } = jobListStatement({ tenantId, limit: 20, offset: 0, ...filter });
    const times: number[] = [];
    let plan: PlanNode | undefined;
    for (let i = 0; i < EXPLAIN_RUNS; i++) {
      const [{ 'QUERY PLAN': result }] = (await pg.query(`EXPLAIN (ANALYZE, TIMING OFF, FORMAT JSON) ${sql}`, params)).rows as {
        'QUERY PLAN': { Plan: PlanNode; 'Execution Time': number }[];
      }[];
      times.push(result[0]['Execution Time']);
      plan = result[0].Plan;
    }
    const nodes: string[] = [];
    const visit = (node: PlanNode) => {
      nodes.push(node['Index Name'] ? `${node['Node Type']} ${node['Index Name']}` : node['Node Type']);
      node.Plans?.forEach(visit);
    };
    visit(plan as PlanNode);
    const interesting = [...new Set(nodes.filter((n) => /Index|Seq Scan|Sort|Bitmap/.test(n)))].join(', ');
    const stats = summarise(times);
    console.log(`  ${label.padEnd(58)} p50 ${stats.p50.toFixed(2).padStart(6)}  p99 ${stats.p99.toFixed(2).padStart(6)}  ${interesting}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
