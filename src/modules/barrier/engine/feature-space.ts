import { CorpusLexicon } from './corpus-lexicon';
import { EngineReport, PARTY_CODES, PartyCode } from './engine-types';
import { DEFAULT_MEANING_WEIGHT, MEANING_LABEL } from './meaning-features';
import { FIELD_BREAK, planConcept, planFreeToken, reportWords, ReportFeatures, stemForFeatures, TokenStep } from './report-features';
import { SparseVector } from './sparse-vector';
import { broaderConcepts, Thesaurus, variantAt } from './thesaurus';
import { TypedArena } from './typed-arena';

// Concepts from the thesaurus are curated vocabulary of the field: they count double against
// free words, which also carry everyday noise.
const CONCEPT_FACTOR = 2;
const TERM_FACTOR = 1;
// Shares of the vector's squared length given to the parties and to the category. The parties
// say where the interface is; the category is only a hint (staff often pick 'ovrigt').
const PARTY_SHARE = 0.4;
const CATEGORY_SHARE = 0.03;
// A feature must occur in at least this many reports to link anything.
const MIN_DF = 2;

/** A report turned into numbers. */
export interface ReportVector {
  index: number;
  report: EngineReport;
  /** Parties from the form and those the text names (shared, frozen sets). */
  parties: ReadonlySet<PartyCode>;
  /** Unit-length weighted vector over words, concepts, parties and category. */
  vector: SparseVector;
  /** Sorted ids of the word and concept features (not broader concepts, parties, category). */
  direct: Int32Array;
  /**
   * Broader concepts the report reaches through its concepts, as pairs (broader id, concept id)
   * sorted by broader id then concept id: two reports that say the same broader thing in
   * different words (samtycke, sekretess > informationsdelning) share evidence.
   */
  bridges: Int32Array;
}

/** Features of one report as feature ids and counts (small, for large corpora). */
interface CompactFeatures {
  ids: Int32Array;
  counts: Float32Array;
  parties: ReadonlySet<PartyCode>;
}

// One frozen set per combination of parties, shared by all reports with that combination.
const PARTY_SETS = new Map<string, ReadonlySet<PartyCode>>();
function sharedPartySet(parties: ReadonlySet<PartyCode>): ReadonlySet<PartyCode> {
  const key = [...parties].sort().join('+');
  let set = PARTY_SETS.get(key);
  if (set === undefined) {
    set = new Set([...parties].sort());
    PARTY_SETS.set(key, set);
  }
  return set;
}

/** The shared vocabulary of one run: feature ids, document frequencies, display forms. */
export class FeatureSpace {
  readonly ids = new Map<string, number>();
  readonly keys: string[] = [];
  private readonly display = new Map<string, string>();
  private readonly broaderIds = new Map<number, readonly number[]>();

  constructor(
    readonly thesaurus: Thesaurus,
    readonly lexicon: CorpusLexicon,
    /** Filled while the corpus is read; complete before any vector is made. */
    readonly df: ReadonlyMap<string, number>,
    readonly docCount: number,
  ) {}

  idOf(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
    }
    return id;
  }

  /** How a feature is shown to a person: the concept's label or the word as usually written. */
  displayOf(key: string): string {
    const kind = key.slice(0, 2);
    const body = key.slice(2);
    if (kind === 'c:' || kind === 'b:') return this.thesaurus.concepts.get(body)?.label ?? body;
    if (kind === 'p:' || kind === 'k:') return body;
    if (kind === 'm:') return MEANING_LABEL;
    return this.display.get(key) ?? body;
  }

  rememberSurface(key: string, surface: string): void {
    // Shortest, then alphabetically first, form: deterministic and usually the base form.
    const current = this.display.get(key);
    if (current === undefined || surface.length < current.length || (surface.length === current.length && surface < current)) {
      this.display.set(key, surface);
    }
  }

  /** Whether sharing this feature is evidence of a shared cause (broader concepts are too general; meaning keys count as concepts do). */
  isEvidence(key: string): boolean {
    return key.startsWith('t:') || key.startsWith('c:') || key.startsWith('m:');
  }

  /** Ids of the broader concepts of a concept feature (none for other features). */
  broaderOf(id: number): readonly number[] {
    let out = this.broaderIds.get(id);
    if (out === undefined) {
      const key = this.keys[id];
      out = key.startsWith('c:') ? broaderConcepts(this.thesaurus, key.slice(2)).map((b) => this.idOf('b:' + b)) : [];
      this.broaderIds.set(id, out);
    }
    return out;
  }

  /** Reports of the corpus carrying the feature with this id. */
  dfOfId(id: number): number {
    return this.df.get(this.keys[id]) ?? 0;
  }

  isTextFeature(key: string): boolean {
    return key.startsWith('c:') || key.startsWith('t:') || key.startsWith('b:') || key.startsWith('m:');
  }

  /** Weight of a text feature occurring `count` times: sublinear tf times idf times its kind. */
  textWeight(key: string, count: number): number {
    const df = this.df.get(key) ?? 0;
    if (df < MIN_DF || df >= this.docCount) return 0;
    const tf = count <= 1 ? count : 1 + Math.log(count);
    const factor = key.startsWith('t:') ? TERM_FACTOR : CONCEPT_FACTOR;
    return tf * Math.log(this.docCount / df) * factor;
  }

  // Per feature id, worked out the first time a vector needs it (df is complete by then): idf times
  // the kind's factor (textWeight for one occurrence), and whether it is evidence. Saves a string-keyed
  // lookup and prefix tests per feature of each of 100 000 reports.
  private readonly idfById: number[] = [];
  private readonly evidenceById: boolean[] = [];

  private idfOf(id: number): number {
    let value = this.idfById[id];
    if (value === undefined) {
      const key = this.keys[id];
      value = this.textWeight(key, 1);
      this.idfById[id] = value;
      this.evidenceById[id] = this.isEvidence(key);
    }
    return value;
  }

  /** Turns extracted features into ids and counts (registers unseen feature keys). */
  compact(features: ReportFeatures): CompactFeatures {
    const ids = new Int32Array(features.counts.size);
    const counts = new Float32Array(features.counts.size);
    let k = 0;
    for (const [key, count] of features.counts) {
      ids[k] = this.idOf(key);
      counts[k] = count;
      k++;
    }
    return { ids, counts, parties: sharedPartySet(features.parties) };
  }

  // The vectors' arrays, from shared blocks (see TypedArena).
  private readonly arena = new TypedArena();
  // Scratch space for vectorize, reused across reports (a corpus makes 100 000 vectors).
  private scratchIds = new Int32Array(64);
  private scratchWeights = new Float64Array(64);
  private scratchDirect = new Int32Array(64);
  private scratchBridges = new Float64Array(64);

  vectorize(index: number, report: EngineReport, features: ReportFeatures | CompactFeatures): ReportVector {
    const compact = 'ids' in features ? features : this.compact(features);
    const parties = [...compact.parties];
    const capacity = compact.ids.length + parties.length + 1;
    if (this.scratchIds.length < capacity) {
      this.scratchIds = new Int32Array(capacity * 2);
      this.scratchWeights = new Float64Array(capacity * 2);
      this.scratchDirect = new Int32Array(capacity * 2);
    }
    const ids = this.scratchIds;
    const weights = this.scratchWeights;
    let entries = 0;
    let directCount = 0;
    let textNorm = 0;
    for (let k = 0; k < compact.ids.length; k++) {
      const id = compact.ids[k];
      const idf = this.idfOf(id);
      const count = compact.counts[k];
      const weight = idf * (count <= 1 ? count : 1 + Math.log(count));
      if (weight <= 0) continue;
      ids[entries] = id;
      weights[entries++] = weight;
      textNorm += weight * weight;
      if (this.evidenceById[id]) this.scratchDirect[directCount++] = id;
    }
    const textEntries = entries;
    // Concepts too rare to weigh anything still say which broader concept a report reaches: pairs
    // (broader, concept) as one number each, broader id first, so a numeric sort orders them.
    let bridgeCount = 0;
    for (let k = 0; k < compact.ids.length; k++) {
      const broader = this.broaderOf(compact.ids[k]);
      for (const b of broader) {
        if (!ids.subarray(0, textEntries).includes(b)) continue;
        if (bridgeCount === this.scratchBridges.length) {
          const grown = new Float64Array(bridgeCount * 2);
          grown.set(this.scratchBridges);
          this.scratchBridges = grown;
        }
        this.scratchBridges[bridgeCount++] = b * BRIDGE_BASE + compact.ids[k];
      }
    }
    const pairs = this.scratchBridges.subarray(0, bridgeCount).sort();
    const bridges = this.arena.int32(bridgeCount * 2);
    for (let k = 0; k < bridgeCount; k++) {
      bridges[2 * k] = Math.floor(pairs[k] / BRIDGE_BASE);
      bridges[2 * k + 1] = pairs[k] % BRIDGE_BASE;
    }
    textNorm = Math.sqrt(textNorm);
    if (textNorm > 0) for (let k = 0; k < textEntries; k++) weights[k] /= textNorm;
    for (const party of parties) {
      ids[entries] = this.idOf('p:' + party);
      weights[entries++] = Math.sqrt(PARTY_SHARE / parties.length);
    }
    if (report.category !== '') {
      ids[entries] = this.idOf('k:' + report.category);
      weights[entries++] = Math.sqrt(CATEGORY_SHARE);
    }
    // Insertion sort by id: vectors are short, and this avoids allocating comparators.
    for (let i = 1; i < entries; i++) {
      const id = ids[i];
      const w = weights[i];
      let j = i - 1;
      while (j >= 0 && ids[j] > id) {
        ids[j + 1] = ids[j];
        weights[j + 1] = weights[j];
        j--;
      }
      ids[j + 1] = id;
      weights[j + 1] = w;
    }
    // Copied into the arena, normalised as normalize() would (the same sum, the same divisions).
    const vectorIds = this.arena.int32(entries);
    vectorIds.set(ids.subarray(0, entries));
    let squares = 0;
    for (let k = 0; k < entries; k++) squares += weights[k] * weights[k];
    const length = Math.sqrt(squares);
    const vectorWeights = this.arena.float64(entries);
    for (let k = 0; k < entries; k++) vectorWeights[k] = length === 0 ? weights[k] : weights[k] / length;
    const direct = this.arena.int32(directCount);
    direct.set(this.scratchDirect.subarray(0, directCount));
    return { index, report, parties: compact.parties, vector: { ids: vectorIds, weights: vectorWeights }, direct: direct.sort(), bridges };
  }
}

// Feature ids stay far below this (a corpus has some hundred thousand features), so a pair of them fits
// exactly in one double as broader * BRIDGE_BASE + concept.
const BRIDGE_BASE = 2 ** 24;

/** A corpus' distinct words, by number: as written, the lower-case word of each, and each one's stem. */
interface CorpusWords {
  raws: readonly string[];
  lowerIdOf: readonly number[];
  lowers: readonly string[];
  stemOf: readonly string[];
}

/** What one distinct word or concept adds to a report, as slots of the reader (see CorpusReader). */
interface SlotPlan {
  slots: Int32Array;
  weights: Float64Array;
  /** Surface to remember per step, or null (concepts have none). */
  surfaces: ReadonlyArray<string | null>;
  parties: number;
}

const PARTY_BITS: ReadonlyMap<string, number> = new Map(PARTY_CODES.map((code, k) => [code, 1 << k]));

/**
 * Reads a whole corpus' features the way featuresFromWords reads one report, with the same result,
 * but by number: each distinct word's plan (and each concept's) is worked out once as feature slots,
 * and a report's counts are summed in a reused array instead of a map of strings per report. Feature
 * ids are given in the order featuresFromWords + FeatureSpace.compact would give them (report by
 * report, in the order a report first adds them), so vectors and every sum over them are the same.
 */
class CorpusReader {
  private readonly keyOfSlot: string[] = [];
  private readonly slotOfKey = new Map<string, number>();
  private slotId = new Int32Array(1024).fill(-1);
  private slotDf = new Int32Array(1024);
  private slotCount = new Float64Array(1024);
  private slotSeen = new Int32Array(1024).fill(-1);
  private slotSurfaceSeen = new Int32Array(1024).fill(-1);
  private readonly touched: number[] = [];
  // The compact features it returns live only until the corpus is vectorised: a block of their own.
  private readonly arena = new TypedArena();
  private readonly wordPlans: Array<SlotPlan | undefined> = [];
  private readonly conceptPlans = new Map<string, SlotPlan>();
  private readonly meaningPlans = new Map<string, SlotPlan>();
  /** Per distinct word: 1 when some thesaurus variant starts with it (form or stem), 0 when none, -1 not yet known. */
  private readonly mayStart: Int8Array;
  private readonly partySets = new Map<number, ReadonlySet<PartyCode>>();
  private report = -1;

  constructor(
    private readonly space: FeatureSpace,
    private readonly words: CorpusWords,
    private readonly meaningWeight: number,
  ) {
    this.mayStart = new Int8Array(words.raws.length).fill(-1);
  }

  read(report: EngineReport, ids: Int32Array): CompactFeatures {
    this.report++;
    this.touched.length = 0;
    const { raws, stemOf, lowerIdOf } = this.words;
    const thesaurus = this.space.thesaurus;
    let parties = 0;
    for (const party of report.parties) parties |= PARTY_BITS.get(party.toUpperCase()) ?? 0;
    const rawAt = (i: number): string => raws[ids[i]];
    const stemAt = (i: number): string => stemOf[ids[i]];
    // As featuresFromWords: thesaurus phrases where they start, the words between them one by one.
    for (let i = 0; i < ids.length; ) {
      const word = ids[i];
      const match = this.canStart(word) ? variantAt(thesaurus, ids.length, rawAt, stemAt, i) : undefined;
      if (match) {
        if (match.conceptKey !== null) parties |= this.apply(this.conceptPlan(match.conceptKey));
        i += match.length;
      } else {
        parties |= this.apply(this.wordPlan(lowerIdOf[word], word));
        i += 1;
      }
    }
    // After the words, as featuresFromWords adds them.
    const meaning = report.meaningKeys;
    if (meaning !== undefined) for (const key of meaning) this.apply(this.meaningPlan(key));
    const out = this.arena.int32(this.touched.length);
    const counts = this.arena.float32(this.touched.length);
    this.touched.forEach((slot, k) => {
      let id = this.slotId[slot];
      if (id < 0) id = this.slotId[slot] = this.space.idOf(this.keyOfSlot[slot]);
      out[k] = id;
      counts[k] = this.slotCount[slot];
      this.slotDf[slot]++;
    });
    return { ids: out, counts, parties: this.partySet(parties) };
  }

  /** Document frequencies of every feature read, by key. */
  countInto(df: Map<string, number>): void {
    for (let slot = 0; slot < this.keyOfSlot.length; slot++) if (this.slotDf[slot] > 0) df.set(this.keyOfSlot[slot], this.slotDf[slot]);
  }

  private apply(plan: SlotPlan): number {
    for (let k = 0; k < plan.slots.length; k++) {
      const slot = plan.slots[k];
      if (this.slotSeen[slot] !== this.report) {
        this.slotSeen[slot] = this.report;
        this.slotCount[slot] = 0;
        this.touched.push(slot);
      }
      this.slotCount[slot] += plan.weights[k];
      const surface = plan.surfaces[k];
      // As featuresFromWords: a report offers the first form it writes a term in.
      if (surface !== null && this.slotSurfaceSeen[slot] !== this.report) {
        this.slotSurfaceSeen[slot] = this.report;
        this.space.rememberSurface(this.keyOfSlot[slot], surface);
      }
    }
    return plan.parties;
  }

  private canStart(word: number): boolean {
    let known = this.mayStart[word];
    if (known < 0) {
      const thesaurus = this.space.thesaurus;
      known = this.mayStart[word] = thesaurus.variantsByRaw.has(this.words.raws[word]) || thesaurus.variantsByStem.has(this.words.stemOf[word]) ? 1 : 0;
    }
    return known === 1;
  }

  private wordPlan(lowerId: number, word: number): SlotPlan {
    let plan = this.wordPlans[lowerId];
    if (plan === undefined) {
      plan = this.slotPlan(planFreeToken(this.words.lowers[lowerId], this.words.stemOf[word], this.space.thesaurus, this.space.lexicon));
      this.wordPlans[lowerId] = plan;
    }
    return plan;
  }

  private conceptPlan(conceptKey: string): SlotPlan {
    let plan = this.conceptPlans.get(conceptKey);
    if (plan === undefined) {
      plan = this.slotPlan(planConcept(conceptKey, this.space.thesaurus));
      this.conceptPlans.set(conceptKey, plan);
    }
    return plan;
  }

  private meaningPlan(key: string): SlotPlan {
    let plan = this.meaningPlans.get(key);
    if (plan === undefined) {
      plan = this.slotPlan(meaningSteps(key, this.meaningWeight));
      this.meaningPlans.set(key, plan);
    }
    return plan;
  }

  private slotPlan(steps: readonly TokenStep[]): SlotPlan {
    let parties = 0;
    for (const step of steps) if (step.party !== null) parties |= PARTY_BITS.get(step.party) ?? 0;
    return {
      slots: Int32Array.from(steps, (step) => this.slotOf(step.key)),
      weights: Float64Array.from(steps, (step) => step.weight),
      surfaces: steps.map((step) => step.surface),
      parties,
    };
  }

  private slotOf(key: string): number {
    let slot = this.slotOfKey.get(key);
    if (slot === undefined) {
      slot = this.keyOfSlot.length;
      this.slotOfKey.set(key, slot);
      this.keyOfSlot.push(key);
      if (slot >= this.slotId.length) this.grow();
    }
    return slot;
  }

  private grow(): void {
    const size = this.slotId.length * 2;
    const grown = <T extends Int32Array | Float64Array>(old: T, make: (n: number) => T, fill?: number): T => {
      const next = make(size);
      if (fill !== undefined) next.fill(fill);
      next.set(old);
      return next;
    };
    this.slotId = grown(this.slotId, (n) => new Int32Array(n), -1);
    this.slotDf = grown(this.slotDf, (n) => new Int32Array(n));
    this.slotCount = grown(this.slotCount, (n) => new Float64Array(n));
    this.slotSeen = grown(this.slotSeen, (n) => new Int32Array(n), -1);
    this.slotSurfaceSeen = grown(this.slotSurfaceSeen, (n) => new Int32Array(n), -1);
  }

  private partySet(bits: number): ReadonlySet<PartyCode> {
    let set = this.partySets.get(bits);
    if (set === undefined) {
      set = sharedPartySet(new Set(PARTY_CODES.filter((_, k) => (bits & (1 << k)) !== 0)));
      this.partySets.set(bits, set);
    }
    return set;
  }
}

/** The one feature a meaning key adds (see meaning-features.ts). */
export function meaningSteps(key: string, weight: number): readonly TokenStep[] {
  return [{ key, weight, surface: null, party: null }];
}

/** Reads a corpus: vocabulary, features, document frequencies and vectors, in input order. */
export function buildFeatureSpace(
  reports: readonly EngineReport[],
  thesaurus: Thesaurus,
  meaningWeight = DEFAULT_MEANING_WEIGHT,
): { space: FeatureSpace; vectors: ReportVector[] } {
  // Pass 1: every distinct word gets an id; reports keep only their word ids (compact), and
  // document frequencies of the lower-case words are counted.
  const wordId = new Map<string, number>();
  const raws: string[] = [];
  const lowerOf: string[] = [];
  const lowerIdOf: number[] = [];
  const lowerId = new Map<string, number>();
  const lowers: string[] = [];
  let lowerDf = new Int32Array(1024);
  let lastSeen = new Int32Array(1024).fill(-1);
  const wordArena = new TypedArena();
  const words = reports.map((report, r) => {
    const list = reportWords(report);
    const ids = wordArena.int32(list.length);
    for (let k = 0; k < list.length; k++) {
      const raw = list[k];
      let id = wordId.get(raw);
      if (id === undefined) {
        id = raws.length;
        wordId.set(raw, id);
        raws.push(raw);
        const lower = raw.toLowerCase();
        lowerOf.push(lower);
        let lid = lowerId.get(lower);
        if (lid === undefined) {
          lid = lowers.length;
          lowerId.set(lower, lid);
          lowers.push(lower);
          if (lid >= lowerDf.length) {
            const grownDf = new Int32Array(lowerDf.length * 2);
            grownDf.set(lowerDf);
            lowerDf = grownDf;
            const grownSeen = new Int32Array(lastSeen.length * 2).fill(-1);
            grownSeen.set(lastSeen);
            lastSeen = grownSeen;
          }
        }
        lowerIdOf.push(lid);
      }
      ids[k] = id;
      const lid = lowerIdOf[id];
      if (lastSeen[lid] !== r) {
        lastSeen[lid] = r;
        lowerDf[lid]++;
      }
    }
    return ids;
  });
  const wordDf = new Map<string, number>();
  for (let lid = 0; lid < lowers.length; lid++) if (lowers[lid] !== FIELD_BREAK) wordDf.set(lowers[lid], lowerDf[lid]);
  const lexicon = new CorpusLexicon(thesaurus, wordDf);
  // Each distinct word is stemmed once.
  const stemOf = lowerOf.map((lower) => stemForFeatures(lower, lexicon));
  const df = new Map<string, number>();
  const space = new FeatureSpace(thesaurus, lexicon, df, reports.length);
  const reader = new CorpusReader(space, { raws, lowerIdOf, lowers, stemOf }, meaningWeight);
  const compact = reports.map((report, r) => reader.read(report, words[r]));
  reader.countInto(df);
  const vectors = reports.map((report, index) => space.vectorize(index, report, compact[index]));
  return { space, vectors };
}

/** Rebuilds a feature space from a stored model (incremental runs: nothing is re-counted). */
export function featureSpaceFromModel(thesaurus: Thesaurus, lexiconWords: ReadonlyArray<[string, number]>, featureDf: ReadonlyArray<[string, number]>, docCount: number): FeatureSpace {
  const lexicon = CorpusLexicon.fromSnapshot(thesaurus, { words: [...lexiconWords] });
  return new FeatureSpace(thesaurus, lexicon, new Map(featureDf), docCount);
}

