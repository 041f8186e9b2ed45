import { CorpusLexicon } from './corpus-lexicon';
import { EngineReport, PartyCode } from './engine-types';
import { FIELD_BREAK, featuresFromWords, reportWords, ReportFeatures, stemForFeatures } from './report-features';
import { normalize, SparseVector } from './sparse-vector';
import { broaderConcepts, Thesaurus } from './thesaurus';

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
    return this.display.get(key) ?? body;
  }

  rememberSurface(key: string, surface: string): void {
    // Shortest, then alphabetically first, form: deterministic and usually the base form.
    const current = this.display.get(key);
    if (current === undefined || surface.length < current.length || (surface.length === current.length && surface < current)) {
      this.display.set(key, surface);
    }
  }

  /** Whether sharing this feature is evidence of a shared cause (broader concepts are too general). */
  isEvidence(key: string): boolean {
    return key.startsWith('t:') || key.startsWith('c:');
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

  isTextFeature(key: string): boolean {
    return key.startsWith('c:') || key.startsWith('t:') || key.startsWith('b:');
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

  vectorize(index: number, report: EngineReport, features: ReportFeatures | CompactFeatures): ReportVector {
    const compact = 'ids' in features ? features : this.compact(features);
    const entryIds: number[] = [];
    const entryWeights: number[] = [];
    const direct: number[] = [];
    let textNorm = 0;
    for (let k = 0; k < compact.ids.length; k++) {
      const id = compact.ids[k];
      const idf = this.idfOf(id);
      const count = compact.counts[k];
      const weight = idf * (count <= 1 ? count : 1 + Math.log(count));
      if (weight <= 0) continue;
      entryIds.push(id);
      entryWeights.push(weight);
      textNorm += weight * weight;
      if (this.evidenceById[id]) direct.push(id);
    }
    // Concepts too rare to weigh anything still say which broader concept a report reaches.
    const bridges: Array<[number, number]> = [];
    for (let k = 0; k < compact.ids.length; k++) {
      const broader = this.broaderOf(compact.ids[k]);
      if (broader.length === 0) continue;
      for (const b of broader) if (entryIds.includes(b)) bridges.push([b, compact.ids[k]]);
    }
    bridges.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    textNorm = Math.sqrt(textNorm);
    if (textNorm > 0) for (let k = 0; k < entryWeights.length; k++) entryWeights[k] /= textNorm;
    const parties = [...compact.parties];
    for (const party of parties) {
      entryIds.push(this.idOf('p:' + party));
      entryWeights.push(Math.sqrt(PARTY_SHARE / parties.length));
    }
    if (report.category !== '') {
      entryIds.push(this.idOf('k:' + report.category));
      entryWeights.push(Math.sqrt(CATEGORY_SHARE));
    }
    // Insertion sort by id: vectors are short, and this avoids allocating comparators.
    const ids = Int32Array.from(entryIds);
    const weights = Float64Array.from(entryWeights);
    for (let i = 1; i < ids.length; i++) {
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
    return { index, report, parties: compact.parties, vector: normalize({ ids, weights }), direct: Int32Array.from(direct).sort(), bridges: Int32Array.from(bridges.flat()) };
  }
}

/** Reads a corpus: vocabulary, features, document frequencies and vectors, in input order. */
export function buildFeatureSpace(reports: readonly EngineReport[], thesaurus: Thesaurus): { space: FeatureSpace; vectors: ReportVector[] } {
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
  const words = reports.map((report, r) => {
    const list = reportWords(report);
    const ids = new Int32Array(list.length);
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
  const compact = reports.map((report, r) => {
    const ids = words[r];
    const rw: string[] = new Array(ids.length);
    const lw: string[] = new Array(ids.length);
    const sw: string[] = new Array(ids.length);
    for (let k = 0; k < ids.length; k++) {
      rw[k] = raws[ids[k]];
      lw[k] = lowerOf[ids[k]];
      sw[k] = stemOf[ids[k]];
    }
    const features = featuresFromWords(report, rw, lw, sw, thesaurus, lexicon);
    for (const key of features.counts.keys()) df.set(key, (df.get(key) ?? 0) + 1);
    for (const [key, surface] of features.surfaces) space.rememberSurface(key, surface);
    return space.compact(features);
  });
  const vectors = reports.map((report, index) => space.vectorize(index, report, compact[index]));
  return { space, vectors };
}

/** Rebuilds a feature space from a stored model (incremental runs: nothing is re-counted). */
export function featureSpaceFromModel(thesaurus: Thesaurus, lexiconWords: ReadonlyArray<[string, number]>, featureDf: ReadonlyArray<[string, number]>, docCount: number): FeatureSpace {
  const lexicon = CorpusLexicon.fromSnapshot(thesaurus, { words: [...lexiconWords] });
  return new FeatureSpace(thesaurus, lexicon, new Map(featureDf), docCount);
}

