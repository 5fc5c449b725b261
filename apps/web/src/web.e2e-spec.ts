import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPlatform, TestPlatform, WORKSPACE_ROOT } from '@validahub/testing';

const SAMPLE = join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv');
const ARTIFACTS = join(WORKSPACE_ROOT, 'tmp', 'artifacts');
// Debian's chromium, never a downloaded browser; flags for a headless run as root without a desktop.
const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
};
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** The page at /app in headless Chromium against the real platform: upload -> progress -> issues -> download, at desktop and phone widths. */
describe('web page at /app', () => {
  let platform: TestPlatform;
  let browser: Browser;

  beforeAll(async () => {
    const built = spawnSync(process.execPath, ['apps/web/build.mjs'], { cwd: WORKSPACE_ROOT, encoding: 'utf8' });
    expect(built.status).toBe(0);
    mkdirSync(ARTIFACTS, { recursive: true });
    platform = await startTestPlatform('web');
    browser = await chromium.launch(CHROMIUM);
  });
  afterAll(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('is served with a strict Content-Security-Policy and nothing but its own files', async () => {
    const page = await fetch(`${platform.url}/app`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).not.toMatch(/<script>|\sstyle=|\son[a-z]+=/);
    expect((await fetch(`${platform.url}/app/..%2Fpackage.json`)).status).toBe(404);
  });

  describe.each([
    ['desktop', { width: 1280, height: 900 }],
    ['phone', { width: 375, height: 812 }],
  ])('at %s width', (name, viewport) => {
    let page: Page;
    const violations: string[] = [];
    const requested: string[] = [];

    beforeAll(async () => {
      const context = await browser.newContext({ viewport, acceptDownloads: true });
      page = await context.newPage();
      // Expected refusals (a result part the job does not have, a stream resumed after its end) log
      // "Failed to load resource"; anything else (a script error, a CSP violation) fails the test.
      page.on(
        'console',
        (message) => message.type() === 'error' && !/^Failed to load resource/.test(message.text()) && violations.push(message.text()),
      );
      page.on('pageerror', (error) => violations.push(error.message));
      page.on('request', (request) => requested.push(new URL(request.url()).pathname));
      await page.goto(`${platform.url}/app`);
    });
    afterAll(() => page?.context().close());

    it('uploads a CSV, shows progress, then the issues, sortable and filterable, and downloads the corrected CSV', async () => {
      await page.getByLabel('API key (kept for this browser tab only)').fill('vh_example_key');
      await page.getByRole('button', { name: 'Use this key' }).click();
      await page.getByLabel('CSV file').setInputFiles(SAMPLE);
      await page.getByLabel('Marketplace').selectOption('mercado_livre');
      await page.getByLabel('Category (optional)').selectOption('electronics');
      await page.getByRole('button', { name: 'Upload and check' }).click();

      await page.locator('#progress-area').waitFor({ state: 'visible' });
      await page.locator('#result').waitFor({ state: 'visible', timeout: 60_000 });
      expect(await page.locator('#job-status').textContent()).toMatch(/^Job succeeded, 100%/);
      expect(await page.locator('#progress').evaluate((el) => (el as HTMLProgressElement).value)).toBe(100);
      expect(await page.locator('#summary').textContent()).toMatch(/5 rows checked/);
      // Progress came over the job's event stream, not by polling the job resource.
      const jobId = requested.map((path) => /^\/api\/v1\/jobs\/([^/]+)\/stream$/.exec(path)?.[1]).find(Boolean);
      expect(jobId).toBeDefined();
      expect(requested.filter((path) => path === `/api/v1/jobs/${jobId}`).length).toBeLessThanOrEqual(2);

      const rows = page.locator('#issues tbody tr');
      const total = await rows.count();
      expect(total).toBeGreaterThan(0);
      await page.getByLabel('Severity').selectOption('fix');
      const fixes = await rows.count();
      expect(fixes).toBeGreaterThan(0);
      expect(new Set(await page.locator('#issues tbody td:nth-child(6)').allTextContents())).toEqual(new Set(['fix']));
      await page.getByLabel('Severity').selectOption('');
      // Sorted by row (ascending) at first: one click turns it around, a second back.
      await page.getByRole('button', { name: 'Row' }).click();
      expect(await page.locator('#issues th[aria-sort]').getAttribute('aria-sort')).toBe('descending');
      const rowNumbers = (await page.locator('#issues tbody td:first-child').allTextContents()).map(Number);
      expect(rowNumbers).toEqual([...rowNumbers].sort((a, b) => b - a));
      expect(await page.locator('#issue-count').textContent()).toBe(`Showing ${total} of ${total} issues.`);

      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download corrected csv' }).click()]);
      expect(download.suggestedFilename()).toBe('mercado-livre-electronics.corrected.csv');
      const corrected = readFileSync((await download.path())!, 'utf8');
      expect(corrected.split(/\r?\n/)[0]).toBe(readFileSync(SAMPLE, 'utf8').split(/\r?\n/)[0]);

      expect(await page.locator('#jobs tbody tr').count()).toBeGreaterThan(0);
      await page.screenshot({ path: join(ARTIFACTS, `web-${name}.png`), fullPage: true });
      // Nothing wider than the screen but the tables, which scroll inside their own region.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(viewport.width);
      expect(violations).toEqual([]);
    });

    it('has no serious or critical accessibility violations (axe-core)', async () => {
      await page.evaluate(AXE_SOURCE);
      const results = await page.evaluate(() =>
        (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe.run(),
      );
      const serious = results.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}, ${v.nodes.length})`);
      expect(serious).toEqual([]);
    });
  });
});
