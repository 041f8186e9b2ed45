import { GroupCommit } from './group-commit';

/** A flush whose writes finish when the test says so. */
function controlledFlush(): {
  flush: (items: number[]) => Promise<string[]>;
  batches: number[][];
  finish: (index: number) => void;
  failWhen: (predicate: (items: number[]) => boolean) => void;
} {
  const batches: number[][] = [];
  const pending: Array<() => void> = [];
  let fails: (items: number[]) => boolean = () => false;
  return {
    batches,
    flush: (items) => {
      batches.push(items);
      return new Promise((resolve, reject) => {
        pending.push(() => (fails(items) ? reject(new Error(`batch ${items.join(',')} failed`)) : resolve(items.map((item) => `ok ${item}`))));
      });
    },
    finish: (index) => pending[index](),
    failWhen: (predicate) => {
      fails = predicate;
    },
  };
}

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes a lone caller at once and callers arriving meanwhile together in the next flush', async () => {
    const control = controlledFlush();
    const commit = new GroupCommit(control.flush, { maxBatch: 10, maxInFlight: 1 });
    const first = commit.submit(1);
    expect(control.batches).toEqual([[1]]);
    const rest = [2, 3, 4].map((item) => commit.submit(item));
    await tick();
    expect(control.batches).toEqual([[1]]);
    control.finish(0);
    await expect(first).resolves.toBe('ok 1');
    await tick();
    expect(control.batches).toEqual([[1], [2, 3, 4]]);
    control.finish(1);
    await expect(Promise.all(rest)).resolves.toEqual(['ok 2', 'ok 3', 'ok 4']);
  });

  it('keeps at most maxInFlight flushes under way and at most maxBatch items in one', async () => {
    const control = controlledFlush();
    const commit = new GroupCommit(control.flush, { maxBatch: 2, maxInFlight: 2 });
    const all = [1, 2, 3, 4, 5, 6].map((item) => commit.submit(item));
    expect(control.batches).toEqual([[1], [2]]);
    control.finish(0);
    await tick();
    expect(control.batches).toEqual([[1], [2], [3, 4]]);
    control.finish(1);
    await tick();
    expect(control.batches).toEqual([[1], [2], [3, 4], [5, 6]]);
    control.finish(2);
    control.finish(3);
    await expect(Promise.all(all)).resolves.toEqual(['ok 1', 'ok 2', 'ok 3', 'ok 4', 'ok 5', 'ok 6']);
  });

  it('fails only the bad item of a failed batch: the others are written again one by one', async () => {
    const control = controlledFlush();
    control.failWhen((items) => items.includes(3));
    const commit = new GroupCommit(control.flush, { maxBatch: 10, maxInFlight: 1 });
    const first = commit.submit(1);
    const rest = [2, 3, 4].map((item) => commit.submit(item));
    control.finish(0);
    await first;
    await tick();
    control.finish(1); // [2, 3, 4] fails
    await tick();
    expect(control.batches.slice(2)).toEqual([[2], [3], [4]]);
    control.finish(2);
    control.finish(3);
    control.finish(4);
    const settled = await Promise.allSettled(rest);
    expect(settled.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('batch 3 failed'));
  });
});
