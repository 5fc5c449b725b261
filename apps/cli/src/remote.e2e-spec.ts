import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Run, runProcess } from './testing/run-process';
import { freePort, startTestPlatform, TestPlatform, waitFor, WORKSPACE_ROOT } from '@validahub/testing';

const BIN = join(WORKSPACE_ROOT, 'apps', 'cli', 'bin', 'validahub.js');
const SAMPLE = join(WORKSPACE_ROOT, 'samples', 'mercado-livre-electronics.csv');
const MISSING_JOB = '550e8400-e29b-41d4-a716-446655440000';

/** The installed command as a user runs it: its bin, from a folder that is not the repository root. */
function validahub(args: string[], env: Record<string, string> = {}, cwd = join(WORKSPACE_ROOT, 'apps')): Promise<Run> {
  return runProcess([process.execPath, BIN, ...args], env, cwd);
}

/** submit/jobs/result against a real gateway and worker (processes), and the exit codes of each outcome. */
describe('validahub against a running platform', () => {
  let dir: string;
  let platform: TestPlatform;
  const remote = (args: string[], env: Record<string, string> = {}) => validahub(args, { VALIDAHUB_URL: platform.url, ...env });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vh-cli-remote-'));
    platform = await startTestPlatform('cli');
    await writeFile(join(dir, 'image.csv'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x00, 0x0d]));
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('submit --wait --fix: prints progress, writes the report, corrected CSV, issues CSV and HTML report when served, exit 1 on a feed with errors', async () => {
    const out = join(dir, 'out');
    const run = await remote(['submit', SAMPLE, '-m', 'mercado_livre', '-c', 'electronics', '--fix', '--wait', '--out', out, '--plan', 'pro']);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 1 });
    expect(run.stdout).toMatch(/^job [0-9a-f-]{36} queued on queue-pro/);
    expect(run.stderr).toMatch(/^job (queued|running) \d+%/m);
    expect(run.stderr).toMatch(/^job succeeded 100%/m);
    const files = await readdir(out);
    expect(files).toEqual(expect.arrayContaining(['mercado-livre-electronics.report.json', 'mercado-livre-electronics.corrected.csv']));
    const report = JSON.parse(await readFile(join(out, 'mercado-livre-electronics.report.json'), 'utf8'));
    expect(report.summary.rows_total).toBe(5);
    expect(run.stdout).toContain(`report written to ${join(out, 'mercado-livre-electronics.report.json')}`);
    expect(run.stdout).toContain(`corrected CSV written to ${join(out, 'mercado-livre-electronics.corrected.csv')}`);
    // The issues CSV and HTML report are written when the gateway serves them (?part=issues_csv|report_html).
    for (const [part, file] of [
      ['issues CSV', 'mercado-livre-electronics.issues.csv'],
      ['HTML report', 'mercado-livre-electronics.report.html'],
    ]) {
      expect(files.includes(file)).toBe(run.stdout.includes(`${part} written to`));
    }
    expect(run.stdout).toMatch(/result: INVALID: \d+ errors \(exit code 1\)/);
  });

  it('submit without --wait prints the job and exits 0; jobs list/get/cancel and result find it', async () => {
    const run = await remote(['submit', SAMPLE, '-m', 'mercado_livre', '--plan', 'pro']);
    expect(run.code).toBe(0);
    const id = /job ([0-9a-f-]{36})/.exec(run.stdout)![1];
    await waitFor(async () => JSON.parse((await remote(['jobs', 'get', id, '--json'])).stdout).status === 'succeeded', 60_000, 'job done');
    const list = await remote(['jobs', 'list', '--json', '--limit', '5']);
    expect([list.code, JSON.parse(list.stdout).items.map((j: { id: string }) => j.id)]).toEqual([0, expect.arrayContaining([id])]);
    // Page by cursor: the table names the next page, and that page starts after the first.
    const first = await remote(['jobs', 'list', '--limit', '1']);
    const cursor = /next page: --cursor (\S+)/.exec(first.stdout)?.[1];
    expect([first.code, first.stdout, cursor]).toEqual([0, expect.stringMatching(/1 of \d+ jobs/), expect.any(String)]);
    const newest = JSON.parse((await remote(['jobs', 'list', '--limit', '1', '--json'])).stdout).items[0].id;
    const second = await remote(['jobs', 'list', '--limit', '1', '--cursor', cursor as string, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).items.map((j: { id: string }) => j.id)).not.toContain(newest);
    expect((await remote(['jobs', 'list', '--cursor', cursor as string, '--offset', '2'])).code).not.toBe(0);
    const get = await remote(['jobs', 'get', id]);
    expect(get.stdout).toContain(`${id} validate_csv_job succeeded 100%`);
    const result = await remote(['result', id, '--part', 'report']);
    expect([result.code, JSON.parse(result.stdout).summary.rows_total]).toEqual([0, 5]);
    const cancel = await remote(['jobs', 'cancel', id]);
    expect([cancel.code, cancel.stderr]).toEqual([4, expect.stringContaining('409 Conflict')]);
  });

  it.each([
    ['a job that fails (not a CSV): 3', ['submit', '__IMAGE__', '-m', 'generic', '--wait'], 3, /job [0-9a-f-]{36} ended failed: unreadable_csv/],
    [
      'an unknown job: 4 with the problem',
      ['jobs', 'get', MISSING_JOB],
      4,
      /404 Not found: Job .* not found\.\n {2}\(type https:\/\/validahub\.dev\/problems\/not-found, correlation id /,
    ],
    ['retry of a job that does not exist: 4 with its problem', ['jobs', 'retry', MISSING_JOB], 4, /error: 404 Not found: Job [0-9a-f-]+ not found\./],
    ['a bad job id: 4 naming the field', ['jobs', 'get', 'nope'], 4, /400 Invalid request: .*\n {2}id: must be a UUID/],
    ['submit without --marketplace: 2', ['submit', SAMPLE], 2, /required option '-m, --marketplace <name>' not specified/],
    ['a missing file: 2', ['submit', 'missing.csv', '-m', 'generic'], 2, /error: file not found: missing\.csv/],
  ])('exits with the documented code on %s', async (_label, args, code, message) => {
    const run = await remote(args.map((arg) => (arg === '__IMAGE__' ? join(dir, 'image.csv') : arg)));
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  });

  it('watch follows a job over the event stream to its end; a missing job exits 4', async () => {
    const submitted = await remote(['submit', SAMPLE, '-m', 'mercado_livre', '--plan', 'pro']);
    const id = /job ([0-9a-f-]{36})/.exec(submitted.stdout)![1];
    const run = await remote(['watch', id]);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    expect(run.stderr).toMatch(/^job succeeded 100%/m);
    expect(run.stderr).toContain('(followed by event stream)');
    expect(run.stdout).toContain(`${id} validate_csv_job succeeded 100%`);
    const json = await remote(['watch', id, '--json', '--quiet']);
    expect([json.code, JSON.parse(json.stdout).status, json.stderr]).toEqual([0, 'succeeded', '']);
    const missing = await remote(['watch', MISSING_JOB]);
    expect([missing.code, missing.stderr]).toEqual([4, expect.stringContaining('404')]);
  });

  it('exits 5 when the gateway cannot be reached, naming it', async () => {
    const closed = `http://127.0.0.1:${await freePort()}`;
    const run = await validahub(['jobs', 'list', '--url', closed]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 5, stderr: expect.stringContaining(`cannot reach the gateway at ${closed}`) });
  });
});
