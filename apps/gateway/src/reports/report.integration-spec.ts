import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import Papa from 'papaparse';
import { chromium } from 'playwright-core';
import { DataSource } from 'typeorm';
import { ANONYMOUS_TENANT_ID } from '@validahub/jobs-domain';
import type { ReportData } from '@validahub/jobs-tasks';
import { WORKSPACE_ROOT } from '@validahub/testing';
import { WorkerRuntime } from '@validahub/worker-runtime';
import { createGatewayHarness, GatewayHarness } from '../testing/gateway-harness';
import { expectProblem } from '../testing/http-expect';
import { startWorker, waitForTerminal } from '../testing/storage-test-kit';
import { newTenant } from '../testing/tenant-kit';

jest.setTimeout(120_000);

const ARTIFACTS = join(WORKSPACE_ROOT, 'tmp', 'artifacts');
const MARKETPLACES = ['mercado_livre', 'amazon', 'shopee'];

interface Seeded {
  task: 'validate_csv_job' | 'correct_csv_job';
  marketplace: string;
  day: string;
  rows: number;
  invalid: number;
  errors: number;
  warnings: number;
  fixes: number;
  byRule: Record<string, number>;
  byColumn: Record<string, number>;
}

/** A month of finished CSV jobs, varied by day and index (deterministic, no randomness). */
function seedMonth(): Seeded[] {
  const jobs: Seeded[] = [];
  for (let d = 1; d <= 30; d++) {
    for (let i = 0; i < (d * 7) % 4; i++) {
      const task = (d + i) % 3 === 0 ? 'correct_csv_job' : 'validate_csv_job';
      const invalid = (d + i) % 17;
      jobs.push({
        task,
        marketplace: MARKETPLACES[(d + i) % 3],
        day: `2026-11-${String(d).padStart(2, '0')}`,
        rows: 100 + d * 3 + i,
        invalid,
        errors: invalid * 2,
        warnings: i,
        fixes: task === 'correct_csv_job' ? d : 0,
        byRule: { missing_cell: invalid, invalid_price: d % 5, [`rule_${i}`]: 1 },
        byColumn: { price: d % 5, title: invalid, [`col_${d % 12}`]: 2 },
      });
    }
  }
  return jobs;
}

/** The report a month should give, worked out here in plain code from the seed. */
function expectedReport(jobs: Seeded[]) {
  const sum = (list: Seeded[]) => {
    const rows = list.reduce((n, j) => n + j.rows, 0);
    const invalid = list.reduce((n, j) => n + j.invalid, 0);
    return {
      jobs: list.length,
      rows_checked: rows,
      rows_invalid: invalid,
      invalid_row_rate: rows ? Math.round((invalid / rows) * 1e6) / 1e6 : 0,
      errors: list.reduce((n, j) => n + j.errors, 0),
      warnings: list.reduce((n, j) => n + j.warnings, 0),
      fixes_applied: list.reduce((n, j) => n + j.fixes, 0),
    };
  };
  const top = (pick: (j: Seeded) => Record<string, number>) => {
    const totals = new Map<string, number>();
    for (const job of jobs) for (const [k, v] of Object.entries(pick(job))) totals.set(k, (totals.get(k) ?? 0) + v);
    return [...totals.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1)).slice(0, 10);
  };
  const validate = jobs.filter((j) => j.task === 'validate_csv_job').length;
  return {
    totals: { ...sum(jobs), validate_jobs: validate, correct_jobs: jobs.length - validate },
    by_marketplace: MARKETPLACES.map((m) => ({ marketplace: m, ...sum(jobs.filter((j) => j.marketplace === m)) }))
      .filter((m) => m.jobs > 0)
      .sort((a, b) => b.jobs - a.jobs || (a.marketplace < b.marketplace ? -1 : 1)),
    top_rules: top((j) => j.byRule).map(([rule, count]) => ({ rule, count })),
    top_columns: top((j) => j.byColumn).map(([column, count]) => ({ column, count })),
    daily: Array.from({ length: 30 }, (_, k) => `2026-11-${String(k + 1).padStart(2, '0')}`).map((date) => ({
      date,
      ...sum(jobs.filter((j) => j.day === date)),
    })),
  };
}

describe('generate_report_job', () => {
  let harness: GatewayHarness;
  let app: NestFastifyApplication;
  let worker: WorkerRuntime;
  const seeded = seedMonth();

  const insert = (tenantId: string, job: Seeded, finishedAt: string, status = 'succeeded') =>
    app.get(DataSource).query(
      `INSERT INTO jobs (id, tenant_id, task_name, status, params, priority, plan, queue, max_attempts, correlation_id, finished_at, summary)
       VALUES ($1, $2, $3, $4, $5, 1, 'free', 'queue-free', 1, 'seed', $6, $7)`,
      [
        randomUUID(),
        tenantId,
        job.task,
        status,
        JSON.stringify({ input_uri: 'x.csv', marketplace: job.marketplace }),
        finishedAt,
        JSON.stringify({
          rows_total: job.rows,
          rows_invalid: job.invalid,
          rows_valid: job.rows - job.invalid,
          errors: job.errors,
          warnings: job.warnings,
          fixes_applied: job.fixes,
          by_rule: job.byRule,
          by_column: job.byColumn,
        }),
      ],
    );

  beforeAll(async () => {
    harness = await createGatewayHarness('reports', { RESULTS_URI: 'results/' });
    app = await harness.start();
    worker = await startWorker(harness.config, ['free']);
    for (const [i, job] of seeded.entries()) await insert(ANONYMOUS_TENANT_ID, job, `${job.day}T${String(i % 24).padStart(2, '0')}:30:00.000Z`);
    // Noise that must not count: just outside the period, failed, another tenant's, another task's.
    const noise = seeded[0];
    await insert(ANONYMOUS_TENANT_ID, noise, '2026-10-31T23:59:59.999Z');
    await insert(ANONYMOUS_TENANT_ID, noise, '2026-12-01T00:00:00.000Z');
    await insert(ANONYMOUS_TENANT_ID, noise, '2026-11-10T10:00:00.000Z', 'failed');
    await insert((await newTenant(app)).id, noise, '2026-11-10T10:00:00.000Z');
    await insert(ANONYMOUS_TENANT_ID, { ...noise, task: 'sleep_job' as Seeded['task'] }, '2026-11-10T10:00:00.000Z');
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await worker?.stop();
    await harness?.close();
  });

  const content = (id: string, part: string) => app.inject({ method: 'GET', url: `/api/v1/jobs/${id}/result/content?part=${part}` });

  it('aggregates a seeded month exactly; the CSV parses back to the same numbers; the page opens offline with its chart', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      payload: { task: 'generate_report_job', params: { from: '2026-11-01', to: '2026-11-30' }, plan: 'free' },
    });
    expect(created.statusCode).toBe(202);
    const job = await waitForTerminal(app, created.json().id, 60_000);
    expect(job.status).toBe('succeeded');
    const expected = expectedReport(seeded);
    expect(job.summary).toMatchObject({ period: { from: '2026-11-01', to: '2026-11-30' }, ...expected.totals });

    const json = content(job.id, 'json');
    const data = (await json).json() as ReportData;
    expect(data).toMatchObject({ period: { from: '2026-11-01', to: '2026-11-30' }, marketplace: null, ...expected });

    const csv = await content(job.id, 'csv');
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const rows = Papa.parse<{ section: string; key: string; metric: string; value: string }>(csv.body, { header: true, skipEmptyLines: true }).data;
    const value = (section: string, key: string, metric: string) =>
      Number(rows.find((r) => r.section === section && r.key === key && r.metric === metric)?.value);
    for (const [metric, number] of Object.entries(expected.totals)) expect(value('totals', '', metric)).toBe(number);
    for (const day of expected.daily)
      for (const metric of ['jobs', 'rows_checked', 'rows_invalid', 'fixes_applied'] as const)
        expect(value('daily', day.date, metric)).toBe(day[metric]);
    for (const rule of expected.top_rules) expect(value('rule', rule.rule, 'count')).toBe(rule.count);
    for (const m of expected.by_marketplace) expect(value('marketplace', m.marketplace, 'rows_invalid')).toBe(m.rows_invalid);

    const html = await content(job.id, 'html');
    expect(html.headers['content-security-policy']).toContain("default-src 'none'");
    const file = join(ARTIFACTS, 'generate-report.html');
    writeFileSync(file, html.body);
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(`file://${file}`);
      expect(requests).toEqual([`file://${file}`]);
      expect(await page.locator('svg rect.checked').count()).toBe(30);
      const box = await page.locator('svg').boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      await page.locator('figure').screenshot({ path: join(ARTIFACTS, 'generate-report-chart.png') });
      await page.screenshot({ path: join(ARTIFACTS, 'generate-report-page.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('reports one marketplace, only the asked formats, and an empty period with zeros', async () => {
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      payload: {
        task: 'generate_report_job',
        params: { from: '2026-11-01', to: '2026-11-30', marketplace: 'amazon', formats: ['json'] },
        plan: 'free',
      },
    });
    const job = await waitForTerminal(app, created.json().id, 60_000);
    const data = (await content(job.id, 'json')).json() as ReportData;
    const expected = expectedReport(seeded.filter((j) => j.marketplace === 'amazon'));
    expect(data).toMatchObject({ marketplace: 'amazon', totals: expected.totals, by_marketplace: expected.by_marketplace });
    expectProblem(await content(job.id, 'html'), 404);

    const empty = await app.inject({
      method: 'POST',
      url: '/api/v1/jobs',
      payload: { task: 'generate_report_job', params: { from: '2025-01-01', to: '2025-01-03' }, plan: 'free' },
    });
    const emptyJob = await waitForTerminal(app, empty.json().id, 60_000);
    const emptyData = (await content(emptyJob.id, 'json')).json() as ReportData;
    expect(emptyData.totals).toMatchObject({ jobs: 0, rows_checked: 0, invalid_row_rate: 0 });
    expect(emptyData.daily.map((d) => d.jobs)).toEqual([0, 0, 0]);
    expect(emptyData.top_rules).toEqual([]);
  });
});
