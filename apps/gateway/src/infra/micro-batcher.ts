interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups calls made in the same turn of the event loop into one batch call. Under load many
 * creates arrive together, and one multi-row statement (or one Redis round trip) for all of
 * them costs little more than one for a single job; a lone call waits only one `setImmediate`.
 * With `maxInFlight`, calls made while that many batches are running wait for one of them to
 * end and then go together (group commit): when the batches would queue behind each other
 * anyway (a tenant's creates lock its usage row until commit), more of them at once only
 * means smaller batches waiting on the same lock.
 */
export class MicroBatcher<I, O> {
  private pending: Pending<I, O>[] = [];
  private scheduled = false;
  private inFlight = 0;

  constructor(
    /** Must return one result per item, in order; a throw fails every item of the batch (unless isolated, below). */
    private readonly runBatch: (items: I[]) => Promise<O[]>,
    private readonly maxBatch = 100,
    /**
     * True when a failed batch may be one item's fault (a value the database refuses): its items
     * are then retried one at a time, so only the offending item fails. Connection errors should
     * answer false, so a database outage does not turn into one retry per item.
     */
    private readonly mayBeOneItemsFault: (error: unknown) => boolean = () => false,
    private readonly maxInFlight = Number.POSITIVE_INFINITY,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.pending.length || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length && this.inFlight < this.maxInFlight) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.inFlight += 1;
      void this.run(batch).finally(() => {
        this.inFlight -= 1;
        this.schedule();
      });
    }
  }

  /** Settles every item of the batch; resolves when all are settled. */
  private async run(batch: Pending<I, O>[]): Promise<void> {
    try {
      const results = await this.runBatch(batch.map((entry) => entry.item));
      if (results.length !== batch.length) {
        const error = new Error(`batch returned ${results.length} results for ${batch.length} items`);
        for (const entry of batch) entry.reject(error);
        return;
      }
      batch.forEach((entry, i) => entry.resolve(results[i]));
    } catch (error) {
      if (batch.length > 1 && this.mayBeOneItemsFault(error)) return this.runOneByOne(batch);
      for (const entry of batch) entry.reject(error);
    }
  }

  private async runOneByOne(batch: Pending<I, O>[]): Promise<void> {
    await Promise.all(
      batch.map((entry) =>
        this.runBatch([entry.item]).then(
          (results) =>
            results.length === 1 ? entry.resolve(results[0]) : entry.reject(new Error(`batch returned ${results.length} results for 1 item`)),
          (error: unknown) => entry.reject(error),
        ),
      ),
    );
  }
}
