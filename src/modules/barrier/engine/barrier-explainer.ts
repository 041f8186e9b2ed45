import { CATEGORY_LABELS } from '../../deviation/deviation.constants';
import { BarrierTerm, EngineBarrier, PartyCode } from './engine-types';
import { FeatureSpace, ReportVector } from './feature-space';
import { isMeaningFeature, MEANING_LABEL } from './meaning-features';
import { SparseVector, sparseFromMap, normalize } from './sparse-vector';

const MAX_TERMS = 10;
const MAX_SHARED_IN_REASON = 5;
// A party counts as involved in a barrier when it is named in at least this share of reports (its letter names the same).
export const PARTY_SHARE = 0.3;
// A centre keeps its strongest features only, so stored models stay small.
export const CENTROID_MAX_FEATURES = 300;

/** The centre of a group of reports and the features that at least two of them carry. */
export interface GroupProfile {
  centroid: SparseVector;
  /** Feature id -> number of members carrying it (text features only). */
  memberCounts: Map<number, number>;
  /** Text features carried by at least two members from at least two kommuner. */
  core: Set<number>;
}

/**
 * Arrays by feature id for summing a group's members, one set per feature space and reused from group
 * to group (a run has one group per barrier): only the entries a group touched are cleared after it.
 */
class DenseScratch {
  sum: Float64Array;
  inSum: Uint8Array;
  counts: Int32Array;
  firstMunicipality: Array<string | undefined>;
  inSeveral: Uint8Array;
  centre: Float64Array;

  constructor(readonly size: number) {
    this.sum = new Float64Array(size);
    this.inSum = new Uint8Array(size);
    this.counts = new Int32Array(size);
    this.firstMunicipality = new Array<string | undefined>(size);
    this.inSeveral = new Uint8Array(size);
    this.centre = new Float64Array(size);
  }
}

const scratchBySpace = new WeakMap<FeatureSpace, DenseScratch>();

/** The space's scratch arrays, large enough for every feature it has now (a space can grow). */
function scratchFor(space: FeatureSpace): DenseScratch {
  let scratch = scratchBySpace.get(space);
  if (scratch === undefined || scratch.size < space.keys.length) {
    scratch = new DenseScratch(space.keys.length);
    scratchBySpace.set(space, scratch);
  }
  return scratch;
}

export function profileGroup(space: FeatureSpace, members: readonly ReportVector[]): GroupProfile {
  // Dense sums by feature id (a group at scale has thousands of members): the same sums, in the same
  // order, as adding each member into a map.
  const { sum, inSum, counts, firstMunicipality, inSeveral } = scratchFor(space);
  const summed: number[] = [];
  const counted: number[] = [];
  // First kommun seen per feature, and whether a second one was seen: enough for the rule below.
  for (const m of members) {
    const { ids, weights } = m.vector;
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k];
      if (inSum[id] === 0) {
        inSum[id] = 1;
        summed.push(id);
      }
      sum[id] += weights[k];
    }
    for (const id of m.direct) {
      if (counts[id]++ === 0) counted.push(id);
      const first = firstMunicipality[id];
      if (first === undefined) firstMunicipality[id] = m.report.municipality;
      else if (first !== m.report.municipality) inSeveral[id] = 1;
    }
  }
  summed.sort((x, y) => x - y);
  const full = normalize({ ids: Int32Array.from(summed), weights: Float64Array.from(summed, (id) => sum[id]) });
  // Keep the strongest features; the norm is not restored, so a truncated centre never
  // looks more similar than the full one.
  const order = [...full.ids.keys()].sort((x, y) => full.weights[y] - full.weights[x] || full.ids[x] - full.ids[y]).slice(0, CENTROID_MAX_FEATURES);
  const kept = new Map<number, number>();
  for (const k of order) kept.set(full.ids[k], full.weights[k]);
  const memberCounts = new Map<number, number>();
  const core = new Set<number>();
  for (const id of counted) {
    memberCounts.set(id, counts[id]);
    // Two kommuner: a word used only in one place (a name, a local unit) never characterises.
    if (counts[id] >= 2 && inSeveral[id] === 1 && space.isTextFeature(space.keys[id])) core.add(id);
  }
  for (const id of summed) {
    sum[id] = 0;
    inSum[id] = 0;
  }
  for (const id of counted) {
    counts[id] = 0;
    firstMunicipality[id] = undefined;
    inSeveral[id] = 0;
  }
  return { centroid: sparseFromMap(kept), memberCounts, core };
}

function categoryLabel(code: string): string {
  return (CATEGORY_LABELS as Readonly<Record<string, string>>)[code] ?? code;
}

function formatShare(value: number): string {
  return value.toFixed(2).replace('.', ',');
}

// Anchoring (memberAnchoring): a member's strongest features, and the cap on what one feature adds, so
// a word no report outside the barrier uses counts the same at 120 reports as at 100 000.
const ANCHOR_FEATURES = 5;
const ANCHOR_CAP = Math.log(20);

/** What anchoringScore needs of a barrier: its size, its core features' member counts, and the corpus' document frequencies. */
export interface AnchoringBasis {
  /** Members, the scored report counted among them (a placed report: the full run's members and it). */
  size: number;
  /** Reports in the corpus, the scored report counted among them. */
  docCount: number;
  /** Members of the barrier carrying a core feature (undefined: not a core feature). */
  countOf(id: number): number | undefined;
  /** Reports carrying the feature in the whole corpus. */
  dfOf(id: number): number;
}

/**
 * One report's anchoring in a barrier (see memberAnchoring). `leaveOut`: the report is among the counts
 * (a member at a full run), so its own occurrence is taken out; a report an incremental run places is not.
 */
export function anchoringScore(features: Iterable<number>, basis: AnchoringBasis, leaveOut: boolean): number {
  const top = new Float64Array(ANCHOR_FEATURES).fill(-Infinity);
  const outside = Math.max(0, basis.docCount - basis.size);
  for (const id of features) {
    const count = basis.countOf(id);
    if (count === undefined) continue;
    // Other members carrying it, and reports outside the barrier carrying it (a placed report is in
    // neither count nor df, which are the full run's).
    const others = leaveOut ? count - 1 : count;
    const elsewhere = Math.max(0, basis.dfOf(id) - count);
    const odds = Math.min(ANCHOR_CAP, Math.log((others + 0.5) / basis.size) - Math.log((elsewhere + 0.5) / (outside + 1)));
    // Keep the strongest few, largest first (an insertion into a short sorted list).
    let k = ANCHOR_FEATURES - 1;
    if (odds <= top[k]) continue;
    while (k > 0 && top[k - 1] < odds) {
      top[k] = top[k - 1];
      k--;
    }
    top[k] = odds;
  }
  let sum = 0;
  for (const odds of top) if (odds !== -Infinity) sum += odds;
  // Below 0 every feature is commoner outside than in the barrier: as unanchored as can be.
  return Math.max(0, Math.round(sum * 10) / 10);
}

/**
 * How firmly each member is anchored in its barrier: the sum of the log odds, for the member's
 * ANCHOR_FEATURES strongest core features (words and concepts carried by at least two members from two
 * kommuner), of being carried by the barrier's other members rather than by the reports outside it
 * (each capped at ANCHOR_CAP, so 0-15 in tenths). A member the engine drew in through a few common words
 * scores low. Over the samples and holdouts 1-20, about half of the weakest fifth of the engine's
 * members were in the wrong barrier (0.54, with and without three confirmed per barrier) against
 * 0.01-0.04 of the strongest fifth (AUC 0.78-0.83; counting every feature, not only the core ones,
 * 0.75-0.78); on holdouts 21-24, where nothing about it was chosen, 0.70-0.76 against 0.11 (AUC
 * 0.76-0.80). So the analyst can look at the weakest first. Core features only, so an incremental run
 * scores a new report the same way from the stored model (coreCounts).
 */
export function memberAnchoring(space: FeatureSpace, members: readonly ReportVector[], profile: GroupProfile): Record<string, number> {
  const basis: AnchoringBasis = {
    size: members.length,
    docCount: space.docCount,
    countOf: (id) => (profile.core.has(id) ? profile.memberCounts.get(id) : undefined),
    dfOf: (id) => space.dfOfId(id),
  };
  const anchoring: Record<string, number> = {};
  for (const m of members) anchoring[m.report.id] = anchoringScore(m.direct, basis, true);
  return anchoring;
}

// betterPlaces: only members this weakly anchored are looked at (it bounds the work at scale), and another
// barrier must anchor them this much better.
const BETTER_BELOW = 10;
const BETTER_MARGIN = 3;

/** A barrier as betterPlaces sees it: its key, members, profile and its members' anchoring. */
export interface PlacedBarrier {
  key: string;
  members: readonly ReportVector[];
  profile: GroupProfile;
  anchoring: Record<string, number>;
}

/**
 * For weakly anchored members (under BETTER_BELOW), another barrier that would anchor them at least
 * BETTER_MARGIN better, scored as if they were its member: barrier key -> member id -> that barrier and
 * the anchoring there. The analyst's confirmed members are left alone. Over the samples and holdouts
 * 1-20 (with and without three confirmed per barrier) the suggested barrier was the right one for 0.73
 * of the 37 members it was made for, where the member's own barrier was right for 0.14; on holdouts
 * 21-24, 0.72 of 18 against 0.33. Moving them all would not raise the engine's score by more than noise
 * (0.597 -> 0.607), so it is a suggestion for the analyst, not a move.
 */
export function betterPlaces(space: FeatureSpace, placed: readonly PlacedBarrier[], confirmedIds: ReadonlySet<string>): Map<string, Record<string, { key: string; anchoring: number }>> {
  const out = new Map<string, Record<string, { key: string; anchoring: number }>>();
  const bases = placed.map(
    (barrier): AnchoringBasis => ({
      size: barrier.members.length + 1,
      docCount: space.docCount,
      countOf: (id) => (barrier.profile.core.has(id) ? barrier.profile.memberCounts.get(id) : undefined),
      // The scored report is in the corpus' counts: as a candidate member it is not "elsewhere".
      dfOf: (id) => Math.max(0, space.dfOfId(id) - 1),
    }),
  );
  placed.forEach((barrier, i) => {
    const suggestions: Record<string, { key: string; anchoring: number }> = {};
    for (const m of barrier.members) {
      const own = barrier.anchoring[m.report.id];
      if (own === undefined || own >= BETTER_BELOW || confirmedIds.has(m.report.id)) continue;
      let best = -1;
      let bestAt = -1;
      for (let j = 0; j < placed.length; j++) {
        if (j === i) continue;
        const score = anchoringScore(m.direct, bases[j], false);
        if (score > best) {
          best = score;
          bestAt = j;
        }
      }
      if (bestAt >= 0 && best >= own + BETTER_MARGIN) suggestions[m.report.id] = { key: placed[bestAt].key, anchoring: best };
    }
    out.set(barrier.key, suggestions);
  });
  return out;
}

/** Describes one barrier for the analyst: terms, parties, places, period, and a reason per report. */
export function explainBarrier(
  space: FeatureSpace,
  key: string,
  members: readonly ReportVector[],
  confirmedIds: ReadonlySet<string>,
  profile: GroupProfile = profileGroup(space, members),
): EngineBarrier {
  // The centre by feature id, for ranking its terms and each member's similarity to it (cleared again below).
  const { centre } = scratchFor(space);
  for (let i = 0; i < profile.centroid.ids.length; i++) centre[profile.centroid.ids[i]] = profile.centroid.weights[i];
  const ranked = [...profile.core]
    .map((id) => ({ id, score: (centre[id] ?? 0) * ((profile.memberCounts.get(id) ?? 0) / members.length) }))
    .filter((x) => x.score > 0)
    .sort((x, y) => y.score - x.score || x.id - y.id);
  const terms: BarrierTerm[] = [];
  const seen = new Set<string>();
  for (const { id, score } of ranked) {
    // Meaning keys say why reports belong (below), not what the barrier is called.
    if (isMeaningFeature(space.keys[id])) continue;
    const label = space.displayOf(space.keys[id]);
    if (seen.has(label)) continue;
    seen.add(label);
    terms.push({ term: label, weight: Math.round(score * 1000) / 1000 });
    if (terms.length >= MAX_TERMS) break;
  }
  const partyCounts = new Map<PartyCode, number>();
  for (const m of members) for (const p of m.parties) partyCounts.set(p, (partyCounts.get(p) ?? 0) + 1);
  const parties = [...partyCounts]
    .filter(([, count]) => count / members.length >= PARTY_SHARE)
    .sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1))
    .map(([p]) => p);
  const categoryCounts = new Map<string, number>();
  for (const m of members) categoryCounts.set(m.report.category, (categoryCounts.get(m.report.category) ?? 0) + 1);
  const [topCategory] = [...categoryCounts].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1));

  const reasons: Record<string, string[]> = {};
  let cohesion = 0;
  const termRank = new Map(ranked.map((r, index) => [r.id, index]));
  const labelOf = new Map(ranked.map((r) => [r.id, space.displayOf(space.keys[r.id])]));
  // Ranks of meaning keys among the core features: told as one line of their own, never as terms.
  const meaningRanks = new Set<number>();
  ranked.forEach((r, rank) => {
    if (isMeaningFeature(space.keys[r.id])) meaningRanks.add(rank);
  });
  // Reasons repeat across members (same parties, same category): built once per variant.
  const partyReason = new Map<ReadonlySet<PartyCode>, string | null>();
  // The analyst reads the category's Swedish name; "Övrigt" says nothing about why reports belong together.
  const categoryReason =
    topCategory && topCategory[1] >= 2 && topCategory[0] !== 'ovrigt' ? `samma kategori som flertalet: ${categoryLabel(topCategory[0])}` : null;
  for (const m of members) {
    const list: string[] = [];
    if (confirmedIds.has(m.report.id)) list.push('bekräftad av analytiker');
    const shared: number[] = [];
    let sharesMeaning = false;
    for (const id of m.direct) {
      const rank = termRank.get(id);
      if (rank === undefined) continue;
      if (meaningRanks.size > 0 && meaningRanks.has(rank)) sharesMeaning = true;
      else shared.push(rank);
    }
    if (shared.length > 0) {
      shared.sort((x, y) => x - y);
      const labels: string[] = [];
      for (const rank of shared) {
        const label = labelOf.get(ranked[rank].id) as string;
        if (!labels.includes(label)) labels.push(label);
        if (labels.length >= MAX_SHARED_IN_REASON) break;
      }
      list.push(`delar termerna: ${labels.join(', ')}`);
    }
    if (sharesMeaning) list.push(MEANING_LABEL);
    let partyText = partyReason.get(m.parties);
    if (partyText === undefined) {
      const own = parties.filter((p) => m.parties.has(p));
      partyText = own.length > 0 ? `parter ${own.join('+')}` : null;
      partyReason.set(m.parties, partyText);
    }
    if (partyText !== null) list.push(partyText);
    let similarity = 0;
    const { ids, weights } = m.vector;
    for (let k = 0; k < ids.length; k++) similarity += (centre[ids[k]] ?? 0) * weights[k];
    cohesion += similarity;
    list.push(`likhet med hindrets kärna: ${formatShare(similarity)}`);
    if (categoryReason !== null && m.report.category === topCategory?.[0]) list.push(categoryReason);
    reasons[m.report.id] = list;
  }
  for (let i = 0; i < profile.centroid.ids.length; i++) centre[profile.centroid.ids[i]] = 0;
  let from = '';
  let to = '';
  for (const m of members) {
    const d = m.report.occurredOn;
    if (d === '') continue;
    if (from === '' || d < from) from = d;
    if (to === '' || d > to) to = d;
  }
  return {
    key,
    // Members come sorted by id from the engine.
    memberIds: members.map((m) => m.report.id),
    terms,
    parties,
    municipalities: [...new Set(members.map((m) => m.report.municipality))].sort(),
    subprojects: [...new Set(members.map((m) => m.report.subproject))].sort(),
    period: { from, to },
    reasons,
    anchoring: memberAnchoring(space, members, profile),
    // Filled in by the run, which sees every barrier (betterPlaces).
    better: {},
    cohesion: members.length === 0 ? 0 : Math.round((cohesion / members.length) * 1000) / 1000,
    confirmed: members.some((m) => confirmedIds.has(m.report.id)),
  };
}
