import { ReportVector } from './feature-space';

/** A similarity between two reports (indices into the vector array, a < b). */
export interface SimilarityEdge {
  a: number;
  b: number;
  similarity: number;
}

/**
 * Pairs of reports that share at least `minShared` words or concepts, with their cosine
 * similarity. Found through an inverted index, so unrelated pairs are never compared.
 * A feature found in more than half of the reports is no evidence of a shared cause and is not
 * counted as shared (it still adds to the cosine).
 */
export function similarityEdges(vectors: readonly ReportVector[], minShared: number): SimilarityEdge[] {
  const n = vectors.length;
  const postings = new Map<number, number[]>();
  for (const v of vectors) {
    for (const id of v.direct) {
      const list = postings.get(id);
      if (list === undefined) postings.set(id, [v.index]);
      else list.push(v.index);
    }
  }
  // (Only enforced on larger sets, where it also bounds the work; tiny sets are all evidence.)
  const maxPosting = Math.max(100, Math.floor(n / 2));
  // Broader concepts, indexed apart: they count only when reached through different concepts.
  const bridgePostings = new Map<number, number[]>();
  for (const v of vectors) {
    const br = v.bridges;
    for (let k = 0; k < br.length; k += 2) {
      if (k > 0 && br[k] === br[k - 2]) continue;
      const list = bridgePostings.get(br[k]);
      if (list === undefined) bridgePostings.set(br[k], [v.index]);
      else list.push(v.index);
    }
  }
  const shared = new Int32Array(n);
  const bridged = new Int32Array(n);
  const touched: number[] = [];
  const edges: SimilarityEdge[] = [];
  // Report i's vector spread out by feature id, so its dot product with another is one pass over
  // the other's entries (the same products, added in the same order, as a merge of the two).
  let width = 0;
  for (const v of vectors) if (v.vector.ids.length > 0) width = Math.max(width, v.vector.ids[v.vector.ids.length - 1] + 1);
  const spread = new Float64Array(width);
  for (let i = 0; i < n; i++) {
    const own = vectors[i].vector;
    for (let k = 0; k < own.ids.length; k++) spread[own.ids[k]] = own.weights[k];
    for (const id of vectors[i].direct) {
      const list = postings.get(id);
      if (list === undefined || list.length > maxPosting) continue;
      // Postings are in increasing index order: only pairs (i, j > i) are counted.
      for (let p = list.length - 1; p >= 0; p--) {
        const j = list[p];
        if (j <= i) break;
        if (shared[j] === 0) touched.push(j);
        shared[j]++;
      }
    }
    const br = vectors[i].bridges;
    for (let k = 0; k < br.length; k += 2) {
      if (k > 0 && br[k] === br[k - 2]) continue;
      const list = bridgePostings.get(br[k]);
      if (list === undefined || list.length > maxPosting) continue;
      for (let p = list.length - 1; p >= 0; p--) {
        const j = list[p];
        if (j <= i) break;
        if (shared[j] === 0 && bridged[j] === 0) touched.push(j);
        bridged[j]++;
      }
    }
    for (const j of touched) {
      if (shared[j] < minShared && shared[j] + bridged[j] >= minShared) shared[j] += bridgesThroughDifferentConcepts(vectors[i].bridges, vectors[j].bridges);
      bridged[j] = 0;
      if (shared[j] >= minShared) {
        const other = vectors[j].vector;
        let similarity = 0;
        for (let k = 0; k < other.ids.length; k++) {
          const w = spread[other.ids[k]];
          if (w !== 0) similarity += w * other.weights[k];
        }
        if (similarity > 0) edges.push({ a: i, b: j, similarity });
      }
      shared[j] = 0;
    }
    touched.length = 0;
    for (let k = 0; k < own.ids.length; k++) spread[own.ids[k]] = 0;
  }
  return edges;
}

/**
 * How many broader concepts two reports share only through different concepts (one writes
 * samtycke, the other sekretess: both mean informationsdelning). A broader concept reached through
 * the same concept adds nothing: that concept is already counted.
 */
export function bridgesThroughDifferentConcepts(a: Int32Array, b: Int32Array): number {
  let count = 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i += 2;
    else if (a[i] > b[j]) j += 2;
    else {
      const broader = a[i];
      let endA = i;
      while (endA < a.length && a[endA] === broader) endA += 2;
      let endB = j;
      while (endB < b.length && b[endB] === broader) endB += 2;
      let common = false;
      for (let x = i; x < endA && !common; x += 2) for (let y = j; y < endB; y += 2) if (a[x + 1] === b[y + 1]) common = true;
      if (!common) count++;
      i = endA;
      j = endB;
    }
  }
  return count;
}

/**
 * Memory for the linkage's similarity matrix, reused from one linkage to the next within a run. A run
 * at scale links samples of 3000 reports several times; a fresh matrix of tens of megabytes each
 * time made V8 collect the whole heap (the corpus' vectors included) each time.
 */
export class LinkageWorkspace {
  private buffer = new Float32Array(0);

  /** A zeroed matrix of this many cells. */
  matrix(cells: number): Float32Array {
    if (this.buffer.length < cells) this.buffer = new Float32Array(cells);
    const view = this.buffer.subarray(0, cells);
    view.fill(0);
    return view;
  }

  /** Lets the memory go once the run's linkages are done. */
  release(): void {
    this.buffer = new Float32Array(0);
  }
}

/** Constraints from the analyst: groups that must stay together and keys that must not mix. */
export interface LinkageConstraints {
  /** Report index -> confirmed barrier key. */
  confirmedKey: ReadonlyMap<number, string>;
  /** Report index -> keys it was moved out of. */
  excludedKeys: ReadonlyMap<number, readonly string[]>;
  /** Starting groups (a partition of 0..n-1); default: every report on its own. */
  initialGroups?: readonly (readonly number[])[];
}

/**
 * Average-linkage agglomeration: repeatedly joins the two groups with the highest mean
 * similarity over all their report pairs (pairs without an edge count as 0) while it is at least
 * `threshold`. Groups with different confirmed keys, or with a key one of their reports was moved
 * out of, are never joined. Uses the nearest-neighbour chain on a dense matrix (O(n²) time and
 * memory for n groups), which gives the same groups as the greedy order because average linkage
 * is reducible. Returns the groups as sorted lists of report indices.
 */
export function averageLinkage(
  n: number,
  edges: readonly SimilarityEdge[],
  threshold: number,
  constraints: LinkageConstraints,
  workspace: LinkageWorkspace = new LinkageWorkspace(),
): number[][] {
  const all = constraints.initialGroups ?? Array.from({ length: n }, (_, i) => [i]);
  // A group none of whose pairs with another group reaches the threshold never joins anything (a mean
  // is at most its largest term), so it stays as it is and is left out of the matrix: most reports of
  // a corpus are such one-offs, and the matrix grows with the square of what is in it. Groups keep
  // their order, so the result is the same.
  const groupOf = new Int32Array(n);
  all.forEach((g, c) => {
    for (const i of g) groupOf[i] = c;
  });
  const joinable = new Uint8Array(all.length);
  for (const e of edges) {
    if (e.similarity >= threshold && groupOf[e.a] !== groupOf[e.b]) {
      joinable[groupOf[e.a]] = 1;
      joinable[groupOf[e.b]] = 1;
    }
  }
  const original: number[] = [];
  all.forEach((_, c) => {
    if (joinable[c] === 1) original.push(c);
  });
  const joined = linkJoinable(n, edges, threshold, constraints, original.map((c) => all[c]), workspace);
  const out: Array<{ first: number; members: number[] }> = all.flatMap((g, c) => (joinable[c] === 1 ? [] : [{ first: c, members: [...g].sort((x, y) => x - y) }]));
  for (const { cluster, members } of joined) out.push({ first: original[cluster], members });
  // In the order of the starting group each result kept (a join keeps the lower number).
  return out.sort((x, y) => x.first - y.first).map((g) => g.members);
}

/** The linkage itself, on the groups that may join: each result with the number of the group it kept. */
function linkJoinable(
  n: number,
  edges: readonly SimilarityEdge[],
  threshold: number,
  constraints: LinkageConstraints,
  initial: readonly (readonly number[])[],
  workspace: LinkageWorkspace,
): Array<{ cluster: number; members: number[] }> {
  const m = initial.length;
  const clusterOf = new Int32Array(n).fill(-1);
  const members: number[][] = initial.map((g) => [...g]);
  const size = new Float64Array(m);
  const keys: Array<Set<string> | null> = new Array(m).fill(null);
  const excluded: Array<Set<string> | null> = new Array(m).fill(null);
  initial.forEach((g, c) => {
    size[c] = g.length;
    for (const i of g) {
      clusterOf[i] = c;
      const key = constraints.confirmedKey.get(i);
      if (key !== undefined) (keys[c] ??= new Set()).add(key);
      for (const k of constraints.excludedKeys.get(i) ?? []) (excluded[c] ??= new Set()).add(k);
    }
  });
  // sim[a*m+b]: mean similarity between groups a and b.
  const sim = workspace.matrix(m * m);
  for (const e of edges) {
    const a = clusterOf[e.a];
    const b = clusterOf[e.b];
    if (a === b || a < 0 || b < 0) continue;
    sim[a * m + b] += e.similarity;
    sim[b * m + a] += e.similarity;
  }
  if (constraints.initialGroups !== undefined) {
    for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sim[a * m + b] /= size[a] * size[b];
  }
  const compatible = (a: number, b: number): boolean => {
    const ka = keys[a];
    const kb = keys[b];
    if (ka === null && kb === null) return true;
    for (const k of ka ?? []) if (excluded[b]?.has(k) || (kb !== null && !kb.has(k))) return false;
    for (const k of kb ?? []) if (excluded[a]?.has(k)) return false;
    return true;
  };
  // Each group's neighbours: the groups it has a nonzero mean similarity with, in increasing order. A
  // scan for a group's nearest goes through them only, in the order a scan of its whole row would, and
  // skips nothing that could win: an absent pair's mean is 0, below any threshold above 0 (with a
  // threshold of 0 or less every group is a neighbour). Most pairs of a sample have no edge.
  const neighbours: number[][] = [];
  for (let a = 0; a < m; a++) {
    const row = a * m;
    const list: number[] = [];
    for (let c = 0; c < m; c++) if (c !== a && (threshold <= 0 || sim[row + c] !== 0)) list.push(c);
    neighbours.push(list);
  }
  // active: may still join something; alive: not absorbed into another group. An absorbed or final group
  // stays in the others' lists and is skipped there.
  const alive = new Uint8Array(m).fill(1);
  const active = new Uint8Array(m).fill(1);
  let remaining = m;
  const chain: number[] = [];
  let cursor = 0;
  while (remaining > 0) {
    if (chain.length === 0) {
      while (!active[cursor]) cursor++;
      chain.push(cursor);
    }
    const a = chain[chain.length - 1];
    const previous = chain.length >= 2 ? chain[chain.length - 2] : -1;
    let best = -1;
    let bestSim = -Infinity;
    const row = a * m;
    const near = neighbours[a];
    for (let k = 0; k < near.length; k++) {
      const c = near[k];
      if (!active[c]) continue;
      const s = sim[row + c];
      if (s > bestSim || (s === bestSim && c === previous)) {
        if (s === bestSim && best === previous) continue;
        if (!compatible(a, c)) continue;
        best = c;
        bestSim = s;
      }
    }
    if (best < 0 || bestSim < threshold) {
      // Similarities to a never grow as others join, so a is final.
      active[a] = 0;
      remaining--;
      chain.pop();
      continue;
    }
    if (best !== previous) {
      chain.push(best);
      continue;
    }
    chain.pop();
    chain.pop();
    const keep = Math.min(a, best);
    const gone = Math.max(a, best);
    const sk = size[keep];
    const sg = size[gone];
    // The merged group's neighbours are those of either; the mean with any other group stays 0.
    const union = mergeSorted(neighbours[keep], neighbours[gone], active, keep, gone);
    const hadKeep = neighbours[keep];
    for (const c of union) {
      const value = (sk * sim[keep * m + c] + sg * sim[gone * m + c]) / (sk + sg);
      sim[keep * m + c] = value;
      sim[c * m + keep] = value;
      if (threshold > 0 && !containsSorted(hadKeep, c)) insertSorted(neighbours[c], keep);
    }
    neighbours[keep] = union;
    neighbours[gone] = [];
    size[keep] = sk + sg;
    for (const i of members[gone]) members[keep].push(i);
    members[gone] = [];
    if (keys[gone] !== null) for (const k of keys[gone] as Set<string>) (keys[keep] ??= new Set()).add(k);
    if (excluded[gone] !== null) for (const k of excluded[gone] as Set<string>) (excluded[keep] ??= new Set()).add(k);
    alive[gone] = 0;
    active[gone] = 0;
    remaining--;
  }
  const out: Array<{ cluster: number; members: number[] }> = [];
  for (let c = 0; c < m; c++) if (alive[c]) out.push({ cluster: c, members: members[c].sort((x, y) => x - y) });
  return out;
}

/** The active groups in either sorted list, other than the two given, in increasing order. */
function mergeSorted(x: readonly number[], y: readonly number[], active: Uint8Array, skipA: number, skipB: number): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    let c: number;
    if (j >= y.length || (i < x.length && x[i] < y[j])) c = x[i++];
    else if (i >= x.length || y[j] < x[i]) c = y[j++];
    else {
      c = x[i++];
      j++;
    }
    if (c !== skipA && c !== skipB && active[c]) out.push(c);
  }
  return out;
}

function lowerBound(list: readonly number[], value: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function containsSorted(list: readonly number[], value: number): boolean {
  const at = lowerBound(list, value);
  return at < list.length && list[at] === value;
}

function insertSorted(list: number[], value: number): void {
  const at = lowerBound(list, value);
  if (list[at] !== value) list.splice(at, 0, value);
}
