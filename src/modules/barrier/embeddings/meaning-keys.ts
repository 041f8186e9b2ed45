import { SeededRandom } from '../engine/seeded-random';
import { MEANING_PREFIX } from '../engine/meaning-features';

/**
 * Reports' vectors as meaning keys for the engine (EngineReport.meaningKeys), by random-hyperplane LSH:
 * `tables` tables of `bits` hyperplanes from a fixed seed; a report's key in a table is the side of each
 * hyperplane its centred vector lies on, `m:<table>:<bits>`. Two reports whose vectors are at angle θ
 * share a table's key with probability (1 − θ/π)^bits, so reports close in meaning share many keys and
 * unrelated ones hardly any.
 *
 * Centred, because an embedding model gives all texts of one language and field a high cosine: the
 * corpus mean is subtracted first. Projection is linear, so a report is stored as its projections onto
 * the hyperplanes (tables × bits numbers instead of the whole vector) and the mean as the mean of those
 * projections; an incremental run centres new reports on the mean stored at the full run.
 */
export interface MeaningSpace {
  seed: number;
  tables: number;
  bits: number;
}

/** Not tuned (no language model could be run where this was built): 16 keys a report, 1 in 64 chance per table for unrelated reports. */
export const MEANING_SPACE: MeaningSpace = { seed: 20_261_124, tables: 16, bits: 6 };

/** Changes with the hyperplanes: stored projections of another version are made again from the stored vector. */
export function meaningSpaceVersion(space: MeaningSpace = MEANING_SPACE): string {
  return `lsh-1:${space.seed}:${space.tables}x${space.bits}`;
}

const planesCache = new Map<string, Float32Array>();

/** (tables × bits) Gaussian hyperplanes of `dims` dimensions, row after row; the same for the same seed. */
export function hyperplanes(dims: number, space: MeaningSpace = MEANING_SPACE): Float32Array {
  const cacheKey = `${meaningSpaceVersion(space)}:${dims}`;
  let planes = planesCache.get(cacheKey);
  if (planes === undefined) {
    const random = new SeededRandom(space.seed);
    planes = new Float32Array(space.tables * space.bits * dims);
    // Box–Muller: Gaussian entries make the hyperplanes' directions uniform on the sphere.
    for (let k = 0; k < planes.length; k += 2) {
      const radius = Math.sqrt(-2 * Math.log(1 - random.next()));
      const angle = 2 * Math.PI * random.next();
      planes[k] = radius * Math.cos(angle);
      if (k + 1 < planes.length) planes[k + 1] = radius * Math.sin(angle);
    }
    planesCache.set(cacheKey, planes);
  }
  return planes;
}

/** The unit-length vector's projection onto each hyperplane (tables × bits numbers). */
export function projectVector(vector: Float32Array, space: MeaningSpace = MEANING_SPACE): Float32Array {
  const dims = vector.length;
  const planes = hyperplanes(dims, space);
  let norm = 0;
  for (let d = 0; d < dims; d++) norm += vector[d] * vector[d];
  norm = Math.sqrt(norm) || 1;
  const out = new Float32Array(space.tables * space.bits);
  for (let h = 0; h < out.length; h++) {
    let sum = 0;
    const row = h * dims;
    for (let d = 0; d < dims; d++) sum += planes[row + d] * vector[d];
    out[h] = sum / norm;
  }
  return out;
}

/** The mean of the projections: the projection of the corpus' mean vector, which centring subtracts. */
export function meanProjection(projections: Iterable<Float32Array>, length = MEANING_SPACE.tables * MEANING_SPACE.bits): number[] {
  const sum = new Float64Array(length);
  let count = 0;
  for (const projection of projections) {
    for (let h = 0; h < length; h++) sum[h] += projection[h];
    count++;
  }
  return Array.from(sum, (value) => (count === 0 ? 0 : value / count));
}

/** A report's meaning keys: per table, which side of each hyperplane its centred vector lies on. */
export function meaningKeys(projection: Float32Array, mean: readonly number[], space: MeaningSpace = MEANING_SPACE): string[] {
  const keys: string[] = [];
  for (let t = 0; t < space.tables; t++) {
    let bits = '';
    for (let b = 0; b < space.bits; b++) {
      const h = t * space.bits + b;
      bits += projection[h] - mean[h] >= 0 ? '1' : '0';
    }
    keys.push(`${MEANING_PREFIX}${t}:${bits}`);
  }
  return keys;
}
