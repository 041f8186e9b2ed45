/** A sparse vector: feature ids in increasing order and their weights. */
export interface SparseVector {
  ids: Int32Array;
  weights: Float64Array;
}

export function sparseFromMap(entries: ReadonlyMap<number, number>): SparseVector {
  const ids = Int32Array.from([...entries.keys()].sort((a, b) => a - b));
  const weights = new Float64Array(ids.length);
  for (let i = 0; i < ids.length; i++) weights[i] = entries.get(ids[i]) ?? 0;
  return { ids, weights };
}

export function dot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let sum = 0;
  const ai = a.ids;
  const bi = b.ids;
  while (i < ai.length && j < bi.length) {
    const x = ai[i];
    const y = bi[j];
    if (x === y) {
      sum += a.weights[i] * b.weights[j];
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return sum;
}

export function norm(a: SparseVector): number {
  let sum = 0;
  for (let i = 0; i < a.weights.length; i++) sum += a.weights[i] * a.weights[i];
  return Math.sqrt(sum);
}

/** Scales to unit length (a zero vector stays zero). */
export function normalize(a: SparseVector): SparseVector {
  const length = norm(a);
  if (length === 0) return a;
  const weights = new Float64Array(a.weights.length);
  for (let i = 0; i < weights.length; i++) weights[i] = a.weights[i] / length;
  return { ids: a.ids, weights };
}

/** Accumulates weighted vectors into a dense-keyed map (for centroids). */
export function addInto(target: Map<number, number>, a: SparseVector, factor = 1): void {
  for (let i = 0; i < a.ids.length; i++) target.set(a.ids[i], (target.get(a.ids[i]) ?? 0) + a.weights[i] * factor);
}
