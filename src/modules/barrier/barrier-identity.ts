/**
 * A barrier keeps its id across engine runs. The engine's clusters are matched to the barriers of
 * the previous run: first by key (the engine may hand back the keys it was given), then by how many
 * reports they share, largest overlap first. Pure, unit-tested.
 */

export interface PreviousBarrier {
  id: string;
  engineKey: string | null;
  memberIds: readonly string[];
}

export interface EngineCluster {
  key: string;
  memberIds: readonly string[];
}

export interface IdentityMatch {
  /** Cluster key → the existing barrier id it continues, or null for a new barrier. */
  byKey: Map<string, string | null>;
  /** Previous barriers no cluster continues → the barrier that took most of their reports (merged), or null (dissolved). */
  unmatched: Map<string, string | null>;
}

/** Shares at least half of the smaller of the two: a remnant of a few reports does not inherit a large barrier's id. */
function overlapsEnough(overlap: number, previousSize: number, clusterSize: number): boolean {
  return overlap > 0 && overlap * 2 >= Math.min(previousSize, clusterSize);
}

export function matchBarriers(previous: readonly PreviousBarrier[], clusters: readonly EngineCluster[]): IdentityMatch {
  const byKey = new Map<string, string | null>();
  const taken = new Set<string>();
  const previousById = new Map(previous.map((barrier) => [barrier.id, barrier]));
  const previousByEngineKey = new Map(previous.filter((b) => b.engineKey !== null).map((b) => [b.engineKey as string, b]));

  for (const cluster of clusters) {
    const same = previousById.get(cluster.key) ?? previousByEngineKey.get(cluster.key);
    if (same && !taken.has(same.id)) {
      byKey.set(cluster.key, same.id);
      taken.add(same.id);
    }
  }

  const ownerOf = new Map<string, string>();
  for (const barrier of previous) for (const id of barrier.memberIds) ownerOf.set(id, barrier.id);
  const candidates: Array<{ key: string; previousId: string; overlap: number }> = [];
  const overlapByCluster = new Map<string, Map<string, number>>();
  for (const cluster of clusters) {
    const overlaps = new Map<string, number>();
    for (const id of cluster.memberIds) {
      const owner = ownerOf.get(id);
      if (owner) overlaps.set(owner, (overlaps.get(owner) ?? 0) + 1);
    }
    overlapByCluster.set(cluster.key, overlaps);
    if (byKey.has(cluster.key)) continue;
    for (const [previousId, overlap] of overlaps) {
      const before = previousById.get(previousId) as PreviousBarrier;
      if (overlapsEnough(overlap, before.memberIds.length, cluster.memberIds.length)) candidates.push({ key: cluster.key, previousId, overlap });
    }
  }
  // Largest overlap first; ties by key and id so the same input always maps the same way.
  candidates.sort((a, b) => b.overlap - a.overlap || a.key.localeCompare(b.key) || a.previousId.localeCompare(b.previousId));
  for (const candidate of candidates) {
    if (byKey.has(candidate.key) || taken.has(candidate.previousId)) continue;
    byKey.set(candidate.key, candidate.previousId);
    taken.add(candidate.previousId);
  }
  for (const cluster of clusters) if (!byKey.has(cluster.key)) byKey.set(cluster.key, null);

  const unmatched = new Map<string, string | null>();
  for (const barrier of previous) {
    if (taken.has(barrier.id)) continue;
    // Where did most of its reports go? Only a continued barrier can be a merge target.
    let target: string | null = null;
    let best = 0;
    for (const cluster of clusters) {
      const continued = byKey.get(cluster.key);
      const overlap = overlapByCluster.get(cluster.key)?.get(barrier.id) ?? 0;
      if (continued && overlap * 2 > barrier.memberIds.length && overlap > best) {
        best = overlap;
        target = continued;
      }
    }
    unmatched.set(barrier.id, target);
  }
  return { byKey, unmatched };
}
