import { fields, paramsSchema } from './params';
import { reservedTaskDefinition, TaskDefinition, taskDefinition } from './task-definition';
import { TaskRegistry } from './task-registry';

const resize = taskDefinition({
  name: 'resize_job',
  description: 'Resize an image.',
  params: paramsSchema({ width: fields.integer({ min: 1 }).required(), keep_ratio: fields.boolean().default(true) }),
  defaults: { timeLimitSeconds: 60, maxRetries: 2 },
});
const crop = taskDefinition({ name: 'crop_job', description: 'Crop an image.', params: paramsSchema({}) });
const ping = taskDefinition({ name: 'ping_job', description: 'Test-only ping.', params: paramsSchema({}), testOnly: true });
const upscale = reservedTaskDefinition({ name: 'upscale_job', description: 'Upscale an image (later).' });
const definitions: TaskDefinition[] = [resize, crop, upscale, ping];

describe('TaskRegistry', () => {
  const registry = new TaskRegistry(definitions);

  it('knows the listed tasks, in list order, and hides test-only ones unless asked', () => {
    expect(registry.names()).toEqual(['resize_job', 'crop_job', 'upscale_job']);
    expect(new TaskRegistry(definitions, { includeTestTasks: true }).names()).toEqual(['resize_job', 'crop_job', 'upscale_job', 'ping_job']);
    expect(new TaskRegistry([]).names()).toEqual([]);
  });

  it('tells unknown tasks from reserved ones', () => {
    expect(registry.lookup('explode_job')).toEqual({ ok: false, reason: 'unknown', known: ['resize_job', 'crop_job', 'upscale_job'] });
    expect(registry.lookup('upscale_job')).toEqual({ ok: false, reason: 'unavailable', known: ['resize_job', 'crop_job'] });
    expect(registry.lookup('ping_job')).toMatchObject({ ok: false, reason: 'unknown' });
    expect(registry.lookup('resize_job')).toEqual({ ok: true, task: resize });
  });

  it('parses params with the task definition, defaults included', () => {
    expect(registry.parseParams('resize_job', { width: 10 })).toEqual({ ok: true, value: { width: 10, keep_ratio: true } });
    expect(registry.parseParams('resize_job', {})).toEqual({ ok: false, errors: [{ field: 'params.width', message: 'is required' }] });
    expect(registry.parseParams('nope_job', {})).toEqual({ ok: false, errors: [{ field: 'task', message: 'unknown task nope_job' }] });
    expect(upscale.parseParams({})).toEqual({
      ok: false,
      errors: [{ field: 'task', message: 'upscale_job is reserved by the contract but not available in this release' }],
    });
    expect(resize.defaults).toEqual({ timeLimitSeconds: 60, maxRetries: 2 });
  });

  it('checks that every runnable task has exactly one handler', () => {
    expect(() => registry.assertHandlers(['resize_job', 'crop_job'])).not.toThrow();
    expect(() => registry.assertHandlers(['resize_job'])).toThrow(/no handler for crop_job/);
    expect(() => registry.assertHandlers(['resize_job', 'crop_job', 'crop_job'])).toThrow(/two handlers for crop_job/);
    expect(() => registry.assertHandlers(['resize_job', 'crop_job', 'mystery_job'])).toThrow(/handler for unknown task mystery_job/);
    expect(() => registry.assertHandlers(['resize_job', 'crop_job', 'ping_job'])).toThrow(/handler for unknown task ping_job/);
  });

  it('refuses a list naming a task twice, even a test-only one left out', () => {
    expect(() => new TaskRegistry([resize, crop, resize])).toThrow('invalid task definitions: task resize_job is registered twice');
    expect(() => new TaskRegistry([ping, ping])).toThrow(/ping_job is registered twice/);
  });

  it.each([
    [{ ...crop, name: 'Crop-Job' }, /task name "Crop-Job" must be/],
    [{ ...crop, name: '' }, /task name "" must be/],
    [{ ...crop, name: `x${'y'.repeat(64)}` }, /must be 1-64/],
    [{ ...crop, defaults: { timeLimitSeconds: 0 } }, /crop_job: defaults.timeLimitSeconds must be a whole number >= 1/],
    [{ ...crop, defaults: { timeLimitSeconds: 1.5 } }, /timeLimitSeconds/],
    [{ ...crop, defaults: { maxRetries: -1 } }, /crop_job: defaults.maxRetries must be a whole number >= 0/],
  ])('refuses a definition that cannot work (%#)', (bad, message) => {
    expect(() => new TaskRegistry([resize, bad])).toThrow(message);
  });
});
