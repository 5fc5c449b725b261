import { storedJob } from '../testing/gateway-fakes';
import { newTestServices } from '../testing/new-test-services';
import { PASS_BUDGET } from './reconciler';

// Budgets, cursors and leadership: a backlog of one kind never hides a lost job of the other,
// every job of a backlog larger than a pass's budget is checked within a few passes, and only
// the leading replica reconciles.
describe('Reconciler fairness and leadership', () => {
  const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
  const ago = (ms: number) => new Date(Date.now() - 60_000 - ms);

  function setup() {
    const services = newTestServices({}, { reconcileMinAgeMs: 5_000, reconcileIntervalMs: 0 });
    return { ...services, ...services.fakes, payloadOf: (jobId: string) => services.fakes.queues.payloads.get(jobId) };
  }

  /** A waiting backlog: queued jobs sitting in BullMQ as they should, older than anything running. */
  function backlog(unfinished: ReturnType<typeof setup>['unfinished'], queues: ReturnType<typeof setup>['queues'], count: number) {
    for (let n = 1; n <= count; n++) {
      unfinished.add(storedJob({ id: id(n), status: 'queued', updatedAt: ago(1_000_000 - n) }));
      queues.states.set(id(n), 'waiting');
    }
  }

  it('recovers a lost running job on the second pass behind a backlog of 1,200 waiting jobs', async () => {
    const { reconciler, unfinished, queues, payloadOf } = setup();
    backlog(unfinished, queues, 1_200);
    unfinished.add(storedJob({ id: id(9_000), status: 'running', attempts: 1, updatedAt: ago(0) }));
    const first = await reconciler.reconcileOnce();
    expect(first.checked).toBe(1 + PASS_BUDGET.queued);
    const second = await reconciler.reconcileOnce();
    expect(second.enqueued).toBe(1);
    expect(payloadOf(id(9_000))).toMatchObject({ attemptBase: 1 });
  });

  it('pages through a waiting backlog larger than its budget: every job is checked, a lost one at the end is enqueued', async () => {
    const { reconciler, unfinished, queues, payloadOf } = setup();
    backlog(unfinished, queues, 1_200);
    queues.states.delete(id(1_150)); // lost from Redis, far behind the first page
    const reports = [await reconciler.reconcileOnce(), await reconciler.reconcileOnce(), await reconciler.reconcileOnce()];
    expect(reports.map((r) => r.checked)).toEqual([500, 500, 200]);
    expect(reports.map((r) => r.enqueued)).toEqual([0, 0, 1]);
    expect(payloadOf(id(1_150))).toBeDefined();
    const queuedPages = unfinished.pages.filter((p) => p.kind === 'queued');
    expect(queuedPages.map((p) => [p.after?.id ?? null, p.returned])).toEqual([
      [null, 500],
      [id(500), 500],
      [id(1_000), 200],
    ]);
    // Then it starts over from the oldest.
    await reconciler.reconcileOnce();
    expect(unfinished.pages.filter((p) => p.kind === 'queued').at(-1)).toEqual({ kind: 'queued', after: null, returned: 500 });
  });

  it('recovers a lost running job in a running backlog larger than its budget at its next check, one cycle later', async () => {
    const { reconciler, unfinished, queues, payloadOf } = setup();
    for (let n = 1; n <= 700; n++) {
      unfinished.add(storedJob({ id: id(n), status: 'running', attempts: 1, updatedAt: ago(10_000 - n) }));
      queues.states.set(id(n), 'active');
    }
    queues.states.delete(id(650));
    const enqueued = [];
    for (let pass = 0; pass < 4; pass++) enqueued.push((await reconciler.reconcileOnce()).enqueued);
    // Pass 2 sees it missing (page 2), pass 4 sees it again (page 2 of the next cycle): lost.
    expect(enqueued).toEqual([0, 0, 0, 1]);
    expect(payloadOf(id(650))).toMatchObject({ attemptBase: 1 });
  });

  it('does nothing while another replica leads, and gives the lock up on shutdown', async () => {
    const { reconciler, unfinished, leadership, queues } = setup();
    unfinished.add(storedJob({ id: id(1), status: 'queued', updatedAt: ago(0) }));
    leadership.leads = false;
    expect(await reconciler.reconcileOnce()).toEqual({ leader: false, checked: 0, enqueued: 0, expired: 0, cancelled: 0 });
    expect(unfinished.pages).toEqual([]);
    expect(queues.bulks).toEqual([]);
    leadership.leads = true;
    expect(await reconciler.reconcileOnce()).toMatchObject({ leader: true, enqueued: 1 });
    await reconciler.onModuleDestroy();
    expect(leadership.released).toBe(1);
  });
});
