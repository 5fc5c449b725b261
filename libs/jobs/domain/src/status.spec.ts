import { allowedSources, canTransition, isTerminal, JOB_STATUSES } from './status';

describe('job status transitions', () => {
  it('allows exactly the contract table', () => {
    const allowed = JOB_STATUSES.flatMap((from) => JOB_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(allowed.sort()).toEqual(
      [
        'queued->running',
        'queued->cancelled',
        'queued->expired',
        'running->succeeded',
        'running->failed',
        'running->retrying',
        'running->cancelled',
        'retrying->running',
        'retrying->cancelled',
        'retrying->failed',
        'retrying->expired',
      ].sort(),
    );
  });

  it('never leaves a terminal status', () => {
    for (const from of JOB_STATUSES.filter(isTerminal)) {
      for (const to of JOB_STATUSES) expect(canTransition(from, to)).toBe(false);
    }
  });

  it('lists the sources a guarded update may start from', () => {
    expect(allowedSources('cancelled').sort()).toEqual(['queued', 'retrying', 'running']);
    expect(allowedSources('running').sort()).toEqual(['queued', 'retrying']);
    expect(allowedSources('expired').sort()).toEqual(['queued', 'retrying']);
  });
});
