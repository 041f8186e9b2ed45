/** Agreement between a predicted grouping and the truth, over the same reports. */
export interface ClusteringScores {
  /** Adjusted Rand index; every null label counts as its own singleton cluster. */
  ari: number;
  /** Of the report pairs put together, the share that truly belong together. */
  precision: number;
  /** Of the report pairs that truly belong together, the share put together. */
  recall: number;
  f1: number;
  truePairs: number;
  predictedPairs: number;
  agreeingPairs: number;
}

function pairs(n: number): number {
  return (n * (n - 1)) / 2;
}

/**
 * Scores a clustering against the truth. `truth[i]` and `predicted[i]` label the same report;
 * null means "not in any recurring barrier" and is treated as a singleton of its own (so two
 * nulls are never a pair), both for the adjusted Rand index and for pairwise precision/recall.
 */
export function scoreClustering(truth: ReadonlyArray<string | null>, predicted: ReadonlyArray<string | null>): ClusteringScores {
  if (truth.length !== predicted.length) throw new Error('truth and predicted must have the same length');
  const n = truth.length;
  const cell = new Map<string, number>();
  const rows = new Map<string, number>();
  const cols = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    // A null becomes a unique label, i.e. a singleton cluster.
    const t = truth[i] === null ? `\u0000t${i}` : `t:${truth[i]}`;
    const p = predicted[i] === null ? `\u0000p${i}` : `p:${predicted[i]}`;
    const key = `${t}\u0001${p}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    rows.set(t, (rows.get(t) ?? 0) + 1);
    cols.set(p, (cols.get(p) ?? 0) + 1);
  }
  let agreeing = 0;
  for (const count of cell.values()) agreeing += pairs(count);
  let truePairs = 0;
  for (const count of rows.values()) truePairs += pairs(count);
  let predictedPairs = 0;
  for (const count of cols.values()) predictedPairs += pairs(count);
  const total = pairs(n);
  const expected = total === 0 ? 0 : (truePairs * predictedPairs) / total;
  const maxIndex = (truePairs + predictedPairs) / 2;
  const ari = maxIndex === expected ? (agreeing === expected ? 1 : 0) : (agreeing - expected) / (maxIndex - expected);
  const precision = predictedPairs === 0 ? (truePairs === 0 ? 1 : 0) : agreeing / predictedPairs;
  const recall = truePairs === 0 ? 1 : agreeing / truePairs;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ari, precision, recall, f1, truePairs, predictedPairs, agreeingPairs: agreeing };
}
