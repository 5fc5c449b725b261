import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, TestPlatform, WORKSPACE_ROOT } from '@validahub/testing';
import { Run, runProcess } from './testing/run-process';

const BIN = join(WORKSPACE_ROOT, 'apps', 'cli', 'bin', 'validahub.js');
const MISSING = '550e8400-e29b-41d4-a716-446655440000';

/** `validahub workflows ...` against a real gateway and worker (processes), with test tasks on. */
describe('validahub workflows', () => {
  let dir: string;
  let platform: TestPlatform;
  const cli = (args: string[]): Promise<Run> => runProcess([process.execPath, BIN, ...args], { VALIDAHUB_URL: platform.url }, dir);
  const file = async (name: string, content: unknown) => {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vh-cli-workflows-'));
    platform = await startTestPlatform('cli_workflows', ['pro'], { ENABLE_TEST_TASKS: 'true' });
  });
  afterAll(async () => {
    await platform?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('run --follow shows each step as it changes and exits 0 when the workflow succeeded', async () => {
    const chain = await file('chain.json', {
      name: 'chain',
      steps: [
        { id: 'first', task: 'noop_job', params: {} },
        { id: 'second', task: 'sleep_job', params: { ms: 800 }, depends_on: ['first'] },
        { id: 'third', task: 'noop_job', params: {}, depends_on: ['second'] },
      ],
    });
    const run = await cli(['workflows', 'run', chain, '--follow', '--plan', 'pro']);
    expect({ code: run.code, stderr: run.stderr }).toMatchObject({ code: 0 });
    const id = /^workflow ([0-9a-f-]{36}) started$/m.exec(run.stderr)![1];
    expect(run.stderr).toMatch(/^step first: running \(job [0-9a-f-]{36}\)$/m);
    expect(run.stderr).toMatch(/^step second: pending$/m);
    expect(run.stderr).toMatch(/^step second: (pending|running) -> succeeded/m);
    expect(run.stderr).toMatch(/^step third: (pending|running) -> succeeded/m);
    expect(run.stdout).toContain(`workflow ${id} "chain" succeeded`);
    expect(run.stdout).toMatch(/third[\s│]+noop_job[\s│]+succeeded/);

    const get = await cli(['workflows', 'get', id, '--json']);
    expect([get.code, JSON.parse(get.stdout).status]).toEqual([0, 'succeeded']);
    const watch = await cli(['workflows', 'watch', id]);
    expect([watch.code, watch.stdout]).toEqual([0, expect.stringContaining(`workflow ${id} "chain" succeeded`)]);
  });

  it('a failing step: watch exits 3 with the failure and the skipped dependant; cancel cascades and a second cancel is refused', async () => {
    const failing = await file('failing.json', {
      steps: [
        { id: 'breaks', task: 'flaky_job', params: { fail_times: 1, permanent: true } },
        { id: 'after', task: 'noop_job', params: {}, depends_on: ['breaks'] },
      ],
    });
    const created = await cli(['workflows', 'run', failing, '--plan', 'pro', '--json']);
    expect(created.code).toBe(0);
    const id = JSON.parse(created.stdout).id as string;
    const watch = await cli(['workflows', 'watch', id]);
    expect({ code: watch.code, stderr: watch.stderr }).toMatchObject({ code: 3 });
    expect(watch.stdout).toMatch(/breaks[\s│]+flaky_job[\s│]+failed/);
    expect(watch.stdout).toMatch(/after[\s│]+noop_job[\s│]+skipped/);

    const long = await file('long.json', {
      steps: [
        { id: 'wait', task: 'sleep_job', params: { ms: 60_000 } },
        { id: 'then', task: 'noop_job', params: {}, depends_on: ['wait'] },
      ],
    });
    const started = JSON.parse((await cli(['workflows', 'run', long, '--plan', 'pro', '--json'])).stdout).id as string;
    const cancel = await cli(['workflows', 'cancel', started]);
    expect({ code: cancel.code, stderr: cancel.stderr }).toEqual({ code: 0, stderr: '' });
    expect(cancel.stdout).toContain(`workflow ${started} cancelled`);
    expect(cancel.stdout).toMatch(/then[\s│]+noop_job[\s│]+skipped/);
    const again = await cli(['workflows', 'cancel', started]);
    expect([again.code, again.stderr]).toEqual([4, expect.stringContaining('409')]);
  });

  it.each([
    ['a missing file: 2', async () => join(dir, 'missing.json'), 2, /error: file not found: .*missing\.json/],
    ['bad JSON: 2 naming the file', () => file('bad.json', '{"steps": [ {"id": "a",'), 2, /error: .*bad\.json is not valid JSON: /],
    [
      'JSON that is not a workflow: 2',
      () => file('list.json', [{ id: 'a' }]),
      2,
      /error: .*list\.json must hold a workflow: an object with a "steps" array/,
    ],
    [
      'a cycle: 4 with the gateway’s 400 naming the step',
      () =>
        file('cycle.json', {
          steps: [
            { id: 'a', task: 'noop_job', params: {}, depends_on: ['b'] },
            { id: 'b', task: 'noop_job', params: {}, depends_on: ['a'] },
          ],
        }),
      4,
      /400 Invalid request: .*\n {2}steps\S*: cycle through steps "[ab]" -> "[ab]" -> "[ab]"/,
    ],
  ])('run refuses %s', async (_label, makeFile, code, message) => {
    const run = await cli(['workflows', 'run', await makeFile(), '--plan', 'pro']);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code, stderr: expect.stringMatching(message) });
  });

  it('get and watch of an unknown workflow exit 4 with the 404', async () => {
    for (const command of ['get', 'watch']) {
      const run = await cli(['workflows', command, MISSING]);
      expect([run.code, run.stderr]).toEqual([4, expect.stringMatching(/404 Not found: Workflow .* not found\./)]);
    }
  });
});
