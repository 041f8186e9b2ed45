import { PreviousBarrier } from './engine-types';

/** A group found in this run, before it has a key. */
export interface UnkeyedGroup {
  memberIds: readonly string[];
  /** The analyst's key when the group holds confirmed reports (at most one key per group). */
  confirmedKey?: string;
}

/**
 * Gives every group a stable key: the confirmed key if any; else the key of the previous barrier
 * it overlaps most, provided the overlap is at least half of the smaller of the two (so growth,
 * shrinkage and merges keep the id, while a small offshoot gets a new one); else a fresh id.
 * Each previous key is used at most once. Deterministic for the same input.
 */
export function assignStableKeys(groups: readonly UnkeyedGroup[], previous: readonly PreviousBarrier[], newId: () => string): string[] {
  const keys: Array<string | undefined> = groups.map((g) => g.confirmedKey);
  const used = new Set<string>(keys.filter((k): k is string => k !== undefined));
  const candidates: Array<{ group: number; key: string; overlap: number }> = [];
  const owner = new Map<string, number>();
  groups.forEach((g, index) => {
    for (const id of g.memberIds) owner.set(id, index);
  });
  for (const prev of previous) {
    if (used.has(prev.key)) continue;
    const counts = new Map<number, number>();
    for (const id of prev.memberIds) {
      const g = owner.get(id);
      if (g !== undefined && keys[g] === undefined) counts.set(g, (counts.get(g) ?? 0) + 1);
    }
    for (const [group, overlap] of counts) {
      const smaller = Math.min(groups[group].memberIds.length, prev.memberIds.length);
      if (overlap * 2 >= smaller) candidates.push({ group, key: prev.key, overlap });
    }
  }
  candidates.sort((x, y) => y.overlap - x.overlap || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0) || x.group - y.group);
  for (const c of candidates) {
    if (keys[c.group] !== undefined || used.has(c.key)) continue;
    keys[c.group] = c.key;
    used.add(c.key);
  }
  // Fresh ids in a deterministic order: by the group's smallest member id.
  const order = groups.map((g, index) => ({ index, first: [...g.memberIds].sort()[0] ?? '' })).sort((x, y) => (x.first < y.first ? -1 : x.first > y.first ? 1 : x.index - y.index));
  for (const { index } of order) if (keys[index] === undefined) keys[index] = newId();
  return keys as string[];
}
