import { TypedArena } from './typed-arena';

describe('TypedArena', () => {
  it('hands out zeroed views that never overlap, within a block and across blocks', () => {
    const arena = new TypedArena(8);
    const views = [arena.int32(3), arena.int32(4), arena.int32(5), arena.int32(20), arena.int32(1)];
    expect(views.map((view) => view.length)).toEqual([3, 4, 5, 20, 1]);
    expect(views.every((view) => view.every((value) => value === 0))).toBe(true);
    views.forEach((view, k) => view.fill(k + 1));
    // Each view still holds only its own number: no two share a cell.
    views.forEach((view, k) => expect([...new Set(view)]).toEqual([k + 1]));
    // The first two share a block; the third did not fit and started a new one; the large one has its own.
    expect(views[0].buffer).toBe(views[1].buffer);
    expect(views[2].buffer).not.toBe(views[1].buffer);
    expect(views[3].buffer.byteLength).toBe(20 * 4);
  });

  it('keeps the kinds apart and sorts a view in place like an array of its own', () => {
    const arena = new TypedArena(16);
    const ints = arena.int32(4);
    const floats = arena.float64(2);
    const singles = arena.float32(2);
    ints.set([9, -1, 4, 0]);
    floats.set([0.5, 0.25]);
    singles.set([1.5, 2.5]);
    const next = arena.int32(2);
    next.set([7, 7]);
    expect([...ints.sort()]).toEqual([-1, 0, 4, 9]);
    expect([...next]).toEqual([7, 7]);
    expect([...floats]).toEqual([0.5, 0.25]);
    expect([...singles]).toEqual([1.5, 2.5]);
  });
});
