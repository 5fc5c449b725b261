/**
 * Groups calls made in the same turn of the event loop into one batch call. Under load many
 * creates arrive together, and one multi-row statement (or one Redis round trip) for all of
 * them costs little more than one for a single job; a lone call waits only one `setImmediate`.
 */
export class MicroBatcher<I, O> {
  private pending: { item: I; resolve: (value: O) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;

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
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    while (this.pending.length) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.runBatch(batch.map((entry) => entry.item)).then(
        (results) => {
          if (results.length !== batch.length) {
            const error = new Error(`batch returned ${results.length} results for ${batch.length} items`);
            for (const entry of batch) entry.reject(error);
            return;
          }
          batch.forEach((entry, i) => entry.resolve(results[i]));
        },
        (error: unknown) => {
          if (batch.length > 1 && this.mayBeOneItemsFault(error)) return this.runOneByOne(batch);
          for (const entry of batch) entry.reject(error);
        },
      );
    }
  }

  private runOneByOne(batch: typeof this.pending): void {
    for (const entry of batch) {
      this.runBatch([entry.item]).then(
        (results) =>
          results.length === 1 ? entry.resolve(results[0]) : entry.reject(new Error(`batch returned ${results.length} results for 1 item`)),
        (error: unknown) => entry.reject(error),
      );
    }
  }
}
