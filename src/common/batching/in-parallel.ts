/**
 * Runs `work` for every item, at most `limit` at a time, and waits for all: independent database
 * work (each in its own transaction) overlaps the server's part of one with Node's part of another.
 * A rejected item does not stop the others; `work` decides what a failure means.
 */
export async function inParallel<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
}
