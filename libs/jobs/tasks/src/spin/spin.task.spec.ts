import { spinTask } from './spin.task';

// Its handler never returns, so it is only ever run in the worker's sandbox
// (libs/jobs/worker-runtime/src/runtime/sandbox-limits.integration-spec.ts).
describe('spin_job', () => {
  it('is test-only and takes no params', () => {
    expect(spinTask.definition.testOnly).toBe(true);
    expect(spinTask.definition.parseParams(undefined)).toEqual({ ok: true, value: {} });
    expect(spinTask.definition.parseParams({ ms: 1 }).ok).toBe(false);
  });
});
