import { ancestorsOf, findCycle, referencesIn, resolveReferences, workflowShapeProblems } from './workflow-graph';
import { nextMoves, workflowOutcome } from './workflow-progress';

const step = (id: string, dependsOn: string[] = [], params: unknown = {}) => ({ id, dependsOn, params });

describe('workflow shape', () => {
  it('accepts a diamond and finds ancestors through every path', () => {
    const steps = [step('a'), step('b', ['a']), step('c', ['a']), step('d', ['b', 'c'], { x: '${steps.a.output.uri}' })];
    expect(workflowShapeProblems(steps)).toEqual([]);
    expect([...ancestorsOf('d', steps)].sort()).toEqual(['a', 'b', 'c']);
  });

  it('names the step of each problem: self-dependency, unknown dependency, cycle', () => {
    expect(workflowShapeProblems([step('a', ['a'])])).toEqual([{ field: 'steps[0].depends_on', message: 'step "a" depends on itself' }]);
    expect(findCycle([step('a', ['b']), step('b', ['a'])])).toEqual(['a', 'b', 'a']);
    expect(workflowShapeProblems([])).toEqual([{ field: 'steps', message: 'must have 1 to 20 steps' }]);
  });

  it('refuses references to unknown steps, non-ancestors and malformed ones', () => {
    const problems = workflowShapeProblems([
      step('a', [], { n: [{ deep: '${steps.zz.output.uri}' }] }),
      step('b', [], { input_uri: 'x-${steps.a.output.uri}', y: '${steps.a.uri}' }),
    ]);
    expect(problems.map((p) => p.field)).toEqual(['steps[0].params.n[0].deep', 'steps[1].params.y', 'steps[1].params.input_uri']);
  });
});

describe('references', () => {
  it('replaces a whole reference by the typed value and an embedded one by text', () => {
    const outputs: Record<string, Record<string, unknown>> = { a: { size: 42, uri: 'feeds/x.csv' } };
    const resolved = resolveReferences({ max: '${steps.a.output.size}', note: 'from ${steps.a.output.uri}', keep: 3 }, (s, k) => outputs[s]?.[k]);
    expect(resolved).toEqual({ ok: true, value: { max: 42, note: 'from feeds/x.csv', keep: 3 } });
    expect(referencesIn({ a: ['${steps.b.output.c}'] })).toEqual([{ path: 'a[0]', step: 'b', key: 'c' }]);
  });

  it('reports a missing output instead of sending "undefined"', () => {
    expect(resolveReferences({ input_uri: '${steps.a.output.corrected_uri}' }, () => undefined)).toEqual({
      ok: false,
      missing: [{ path: 'input_uri', step: 'a', key: 'corrected_uri' }],
    });
  });
});

describe('progress', () => {
  const s = (stepId: string, dependsOn: string[], status: 'pending' | 'running' | 'failed' = 'pending', jobStatus: string | null = null) =>
    ({ stepId, dependsOn, status, jobStatus }) as Parameters<typeof nextMoves>[0][number];

  it('starts steps whose dependencies all succeeded and skips transitively after a failure', () => {
    const moves = nextMoves([
      s('a', [], 'running', 'succeeded'),
      s('b', ['a'], 'running', 'failed'),
      s('c', ['b']),
      s('d', ['c']),
      s('e', ['a']),
      s('f', ['a', 'e']),
    ]);
    expect(moves).toEqual({ ready: ['e'], skipped: ['c', 'd'] });
  });

  it('expired and cancelled jobs count as not succeeded', () => {
    expect(nextMoves([s('a', [], 'running', 'expired'), s('b', ['a'])]).skipped).toEqual(['b']);
    expect(nextMoves([s('a', [], 'running', 'cancelled'), s('b', ['a'])]).skipped).toEqual(['b']);
  });

  it('ends the workflow only when every step finished', () => {
    expect(workflowOutcome(['succeeded', 'running'])).toBe('running');
    expect(workflowOutcome(['succeeded', 'succeeded'])).toBe('succeeded');
    expect(workflowOutcome(['succeeded', 'failed', 'skipped'])).toBe('failed');
  });
});
