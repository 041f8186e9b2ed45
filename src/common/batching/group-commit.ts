export interface GroupCommitOptions {
  /** Most items written by one flush. */
  maxBatch: number;
  /** Most flushes under way at once; callers arriving meanwhile wait and share the next flush. */
  maxInFlight: number;
}

interface Waiting<I, O> {
  item: I;
  resolve: (result: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: concurrent callers that arrive while earlier writes are under way share the next
 * write, so the database commits once per batch instead of once per caller. A caller alone is
 * written at once (no timer, no added latency). Each caller's promise settles only after the write
 * that holds its item has committed. If a batch fails, its items are written again one by one, so
 * one bad item fails only its own caller.
 *
 * `flush` gets the items and returns one result per item, in the same order.
 */
export class GroupCommit<I, O> {
  private readonly waiting: Array<Waiting<I, O>> = [];
  private inFlight = 0;

  constructor(
    private readonly flush: (items: I[]) => Promise<O[]>,
    private readonly options: GroupCommitOptions,
  ) {
    if (options.maxBatch < 1 || options.maxInFlight < 1) throw new Error('GroupCommit needs maxBatch and maxInFlight of at least 1');
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight += 1;
      void this.write(batch).finally(() => {
        this.inFlight -= 1;
        this.drain();
      });
    }
  }

  private async write(batch: Array<Waiting<I, O>>): Promise<void> {
    try {
      const results = await this.flush(batch.map((waiting) => waiting.item));
      if (results.length !== batch.length) throw new Error(`GroupCommit flush returned ${results.length} results for ${batch.length} items`);
      batch.forEach((waiting, index) => waiting.resolve(results[index]));
    } catch (error) {
      if (batch.length === 1) {
        batch[0].reject(error);
        return;
      }
      await Promise.all(
        batch.map(async (waiting) => {
          try {
            const [result] = await this.flush([waiting.item]);
            waiting.resolve(result);
          } catch (single) {
            waiting.reject(single);
          }
        }),
      );
    }
  }
}
