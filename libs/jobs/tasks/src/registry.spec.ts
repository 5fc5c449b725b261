import { fields, paramsSchema } from '@validahub/jobs-domain';
import { LocalDiskStorage } from '@validahub/storage';
import { createTaskHandlers, createTaskRegistry, TASKS, taskHandlerFactory } from './registry';
import { defineTask, reservedTask, Task, TaskDeps } from './task';
import { taskContext } from './testing/task-context';

// Expectations are derived from TASKS where they can be, so adding a task needs no change here.
const CONTRACT_TASKS = ['correct_csv_job', 'generate_report_job', 'sync_connector_job', 'validate_csv_job'];
const SHIPPED_TEST_TASKS = ['flaky_job', 'noop_job', 'sleep_job'];
const names = (tasks: readonly Task[]) => tasks.map((t) => t.definition.name);
const runnableNames = (tasks: readonly Task[]) => names(tasks.filter((t) => t.definition.available)).sort();
const productionTasks = TASKS.filter((t) => !t.definition.testOnly);
const deps: TaskDeps = { storage: new LocalDiskStorage('/nonexistent-root'), resultsUri: 'results' };

const echoTask = defineTask({
  name: 'echo_fixture_job',
  description: 'Echoes its text.',
  params: paramsSchema({ text: fields.string().required(), times: fields.integer({ min: 1 }).default(1) }),
  handler: () => async (ctx) => ({ summary: { echoed: ctx.params.text.repeat(ctx.params.times) } }),
});

describe('the task list', () => {
  it('holds each task once, sorted by name: the contract tasks and the shipped test tasks among them', () => {
    expect(names(TASKS)).toEqual([...new Set(names(TASKS))].sort());
    expect(names(productionTasks)).toEqual(expect.arrayContaining(CONTRACT_TASKS));
    expect(names(TASKS.filter((t) => t.definition.testOnly))).toEqual(expect.arrayContaining(SHIPPED_TEST_TASKS));
  });

  it('gives every available task a handler and params; a reserved one has neither', () => {
    expect(names(TASKS.filter((t) => !t.definition.available))).toEqual([]);
    expect(TASKS.every((t) => t.createHandler !== null && t.definition.params !== null)).toBe(true);
    const later = reservedTask({ name: 'later_job', description: 'later' });
    expect(later.createHandler).toBeNull();
    expect(later.definition.params).toBeNull();
  });
});

describe('createTaskRegistry', () => {
  it('leaves the test-only tasks out unless asked', () => {
    expect(createTaskRegistry().names()).toEqual(names(productionTasks));
    expect(createTaskRegistry().names()).not.toContain('noop_job');
    expect(createTaskRegistry({ includeTestTasks: true }).names()).toEqual(names(TASKS));
  });

  it('knows a reserved task but answers that it is not available', () => {
    const withReserved = [...productionTasks, reservedTask({ name: 'later_job', description: 'later' })];
    expect(createTaskRegistry({ tasks: withReserved }).lookup('later_job')).toEqual({
      ok: false,
      reason: 'unavailable',
      known: runnableNames(productionTasks),
    });
    const registry = createTaskRegistry();
    expect(registry.lookup('generate_report_job')).toMatchObject({ ok: true });
    expect(registry.lookup('sync_connector_job')).toMatchObject({ ok: true });
    expect(registry.lookup('explode_job')).toEqual({ ok: false, reason: 'unknown', known: names(productionTasks) });
  });

  it('parses params with each task definition (CSV defaults, ruleset check)', () => {
    const registry = createTaskRegistry({ includeTestTasks: true });
    expect(registry.parseParams('correct_csv_job', { input_uri: 'a.csv' })).toMatchObject({
      ok: true,
      value: { auto_fix: true, marketplace: 'generic' },
    });
    expect(registry.parseParams('validate_csv_job', { input_uri: 'a.csv', ruleset: 'nope' })).toMatchObject({ ok: false });
    expect(registry.parseParams('sleep_job', { ms: 1 })).toEqual({ ok: true, value: { ms: 1, ignore_signal: false } });
  });

  it('takes another task list (a new task is one more entry)', () => {
    const registry = createTaskRegistry({ tasks: [...TASKS, echoTask] });
    expect(registry.parseParams('echo_fixture_job', { text: 'hi' })).toEqual({ ok: true, value: { text: 'hi', times: 1 } });
  });
});

describe('createTaskHandlers', () => {
  it('builds one handler per runnable task and none for reserved ones', () => {
    expect(Object.keys(createTaskHandlers(deps)).sort()).toEqual(runnableNames(productionTasks));
    expect(Object.keys(createTaskHandlers(deps))).toEqual(expect.arrayContaining(['correct_csv_job', 'validate_csv_job']));
    expect(Object.keys(createTaskHandlers(deps, { includeTestTasks: true })).sort()).toEqual(runnableNames(TASKS));
  });

  it('gives a handler the params its schema parsed', async () => {
    const handlers = createTaskHandlers(deps, { tasks: [echoTask] });
    const params = echoTask.definition.parseParams({ text: 'ab', times: 2 });
    if (!params.ok) throw new Error('params refused');
    await expect(handlers.echo_fixture_job!(taskContext(params.value))).resolves.toEqual({ summary: { echoed: 'abab' } });
  });

  it('fails loudly when the list names a task twice', () => {
    expect(() => createTaskHandlers(deps, { tasks: [...TASKS, echoTask, echoTask] })).toThrow(
      'invalid task definitions: task echo_fixture_job is registered twice',
    );
    const twin = defineTask({ ...echoTask.definition, params: paramsSchema({}), handler: () => async () => ({}) });
    expect(() => createTaskHandlers(deps, { tasks: [echoTask, twin] })).toThrow(/echo_fixture_job is registered twice/);
    expect(() => createTaskRegistry({ tasks: [echoTask, twin] })).toThrow(/echo_fixture_job is registered twice/);
  });

  it('fails loudly when a runnable task has no handler', () => {
    const handless: Task = { definition: echoTask.definition, createHandler: null };
    expect(() => createTaskHandlers(deps, { tasks: [handless] })).toThrow('task registry mismatch: no handler for echo_fixture_job');
  });

  it('builds no handler for a test-only task unless asked, nor for a reserved one', () => {
    const tasks = TASKS.filter((t) => t.definition.testOnly || !t.definition.available);
    expect(Object.keys(createTaskHandlers(deps, { tasks }))).toEqual([]);
    expect(Object.keys(createTaskHandlers(deps, { tasks: [reservedTask({ name: 'later_job', description: 'later' })] }))).toEqual([]);
  });

  it('builds the same handlers per job from a factory checked once (test tasks only when asked)', () => {
    const production = taskHandlerFactory();
    expect([...production.names].sort()).toEqual(runnableNames(productionTasks));
    expect(Object.keys(production.create(deps)).sort()).toEqual(runnableNames(productionTasks));
    expect([...taskHandlerFactory({ includeTestTasks: true }).names].sort()).toEqual(runnableNames(TASKS));
    expect(() => taskHandlerFactory({ tasks: [...TASKS, echoTask, echoTask] })).toThrow(/echo_fixture_job is registered twice/);
  });
});
