import { matchBarriers, PreviousBarrier } from './barrier-identity';

const ids = (prefix: string, from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${from + i}`);

describe('matchBarriers', () => {
  const previous: PreviousBarrier[] = [
    { id: 'barrier-a', engineKey: 'k-a', memberIds: ids('r', 1, 10) },
    { id: 'barrier-b', engineKey: null, memberIds: ids('r', 11, 18) },
  ];

  it('keeps ids when the same reports come back under other keys, with new reports joining', () => {
    const { byKey, unmatched } = matchBarriers(previous, [
      { key: 'x', memberIds: [...ids('r', 11, 18), 'r99'] },
      { key: 'y', memberIds: [...ids('r', 1, 9), 'r50', 'r51'] },
      { key: 'z', memberIds: ['r60', 'r61', 'r62'] },
    ]);
    expect(byKey).toEqual(
      new Map([
        ['x', 'barrier-b'],
        ['y', 'barrier-a'],
        ['z', null],
      ]),
    );
    expect(unmatched.size).toBe(0);
  });

  it('trusts a key the engine hands back: our id or the engine key of the last run', () => {
    const { byKey } = matchBarriers(previous, [
      { key: 'barrier-b', memberIds: ['r1', 'r2'] },
      { key: 'k-a', memberIds: ['r70'] },
    ]);
    expect(byKey.get('barrier-b')).toBe('barrier-b');
    expect(byKey.get('k-a')).toBe('barrier-a');
  });

  it('when a barrier splits, the larger part keeps the id', () => {
    const { byKey } = matchBarriers(previous, [
      { key: 'small', memberIds: ids('r', 1, 4) },
      { key: 'large', memberIds: ids('r', 5, 10) },
    ]);
    expect(byKey.get('large')).toBe('barrier-a');
    expect(byKey.get('small')).toBeNull();
  });

  it('when two barriers merge, the larger keeps its id and the other is marked merged into it', () => {
    const { byKey, unmatched } = matchBarriers(previous, [{ key: 'both', memberIds: ids('r', 1, 18) }]);
    expect(byKey.get('both')).toBe('barrier-a');
    expect(unmatched).toEqual(new Map([['barrier-b', 'barrier-a']]));
  });

  it('a barrier whose reports scatter or vanish is dissolved; a small remnant gets a new id', () => {
    const { byKey, unmatched } = matchBarriers(previous, [
      { key: 'remnant', memberIds: ['r1', 'r40', 'r41', 'r42', 'r43'] },
      { key: 'other', memberIds: ['r11', 'r12', 'r30', 'r31', 'r32', 'r33', 'r34', 'r35', 'r36'] },
    ]);
    expect(byKey.get('remnant')).toBeNull();
    expect(byKey.get('other')).toBeNull();
    expect(unmatched).toEqual(
      new Map([
        ['barrier-a', null],
        ['barrier-b', null],
      ]),
    );
  });

  it('is deterministic on ties', () => {
    const tie: PreviousBarrier[] = [{ id: 'p', engineKey: null, memberIds: ['r1', 'r2', 'r3', 'r4'] }];
    const clusters = [
      { key: 'b', memberIds: ['r3', 'r4'] },
      { key: 'a', memberIds: ['r1', 'r2'] },
    ];
    expect(matchBarriers(tie, clusters).byKey.get('a')).toBe('p');
    expect(matchBarriers(tie, [...clusters].reverse()).byKey.get('a')).toBe('p');
  });
});
