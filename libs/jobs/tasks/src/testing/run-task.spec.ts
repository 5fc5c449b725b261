import { fields, paramsSchema } from '@validahub/jobs-domain';
import { defineTask, reservedTask } from '../task';
import { runTask } from './run-task';

const greet = defineTask({
  name: 'greet_fixture_job',
  description: 'Greets.',
  params: paramsSchema({ name: fields.string().required(), loud: fields.boolean().default(false) }),
  handler: () => async (ctx) => ({ summary: { greeting: ctx.params.loud ? `HI ${ctx.params.name.toUpperCase()}` : `hi ${ctx.params.name}` } }),
});
const store = defineTask({
  name: 'store_fixture_job',
  description: 'Uses storage.',
  params: paramsSchema({}),
  handler: (deps) => async () => ({ resultRef: deps.resultsUri }),
});

describe('runTask', () => {
  it('parses params with the definition (defaults included) before calling the handler', async () => {
    await expect(runTask(greet, { name: 'ana' })).resolves.toEqual({ summary: { greeting: 'hi ana' } });
    await expect(runTask(greet, { name: 'ana', loud: true }, { context: { attempt: 2 } })).resolves.toEqual({ summary: { greeting: 'HI ANA' } });
  });

  it('refuses params the task would refuse', async () => {
    await expect(runTask(greet, { loud: 'no' })).rejects.toThrow('params refused: params.name is required; params.loud must be true or false');
  });

  it('names the dependency a task used when the test gave none', async () => {
    await expect(runTask(store, {})).rejects.toThrow('the task used TaskDeps.resultsUri: pass deps to runTask');
    await expect(runTask(store, {}, { deps: { resultsUri: 'results' } as never })).resolves.toEqual({ resultRef: 'results' });
  });

  it('refuses a reserved task', async () => {
    await expect(runTask(reservedTask({ name: 'later_job', description: 'later' }), {})).rejects.toThrow('later_job has no handler (reserved)');
  });
});
