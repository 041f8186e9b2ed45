import { definiteFoldCandidates, stemSwedish } from './swedish-stemmer';
import { SWEDISH_STOPWORDS } from './text-normalizer';
import { Thesaurus } from './thesaurus';

/** Serialisable vocabulary of a corpus: lower-case word -> number of reports it occurs in. */
export interface LexiconSnapshot {
  words: Array<[string, number]>;
}

// Words seen in at least this many reports count as real words (for folding, typos, compounds).
const KNOWN_MIN_DF = 2;
// A typo is corrected only towards a word this common, and only in words this long.
const TYPO_TARGET_MIN_DF = 3;
const TYPO_MIN_LENGTH = 6;
const COMPOUND_MIN_LENGTH = 7;
const COMPOUND_PART_MIN_LENGTH = 3;

function indexTypoTarget(deletes: Map<string, string[]>, word: string): void {
  if (word.length < TYPO_MIN_LENGTH - 1 || /\s/.test(word)) return;
  for (const variant of [word, ...singleDeletes(word)]) {
    const list = deletes.get(variant);
    if (list === undefined) deletes.set(variant, [word]);
    else if (!list.includes(word)) list.push(word);
  }
}

/** Typo targets listed under one delete-variant, the thesaurus's first and then the corpus's. */
function* candidatesOf(variant: string, ...indexes: ReadonlyArray<ReadonlyMap<string, readonly string[]>>): Generator<string> {
  for (const index of indexes) yield* index.get(variant) ?? [];
}

// The thesaurus's typo targets, indexed once per parsed thesaurus (a few thousand words; every
// incremental run builds a lexicon over the same thesaurus).
const thesaurusIndexes = new WeakMap<Thesaurus, ReadonlyMap<string, readonly string[]>>();

function thesaurusTypoIndex(thesaurus: Thesaurus): ReadonlyMap<string, readonly string[]> {
  let index = thesaurusIndexes.get(thesaurus);
  if (index === undefined) {
    const deletes = new Map<string, string[]>();
    for (const word of thesaurus.knownWords) indexTypoTarget(deletes, word);
    index = deletes;
    thesaurusIndexes.set(thesaurus, index);
  }
  return index;
}

/**
 * The corpus' own vocabulary, used to decide what is a word: definite endings are folded,
 * one-letter typos corrected and compounds split only towards words that really occur.
 */
export class CorpusLexicon {
  private readonly wordDf: Map<string, number>;
  private readonly stemDf = new Map<string, number>();
  /** Typo targets from the corpus (words not already in the thesaurus), by their single deletes. */
  private readonly deletes = new Map<string, string[]>();
  /** The same for the thesaurus's words, shared by every lexicon over that thesaurus. */
  private readonly thesaurusDeletes: ReadonlyMap<string, readonly string[]>;
  private readonly resolved = new Map<string, string>();
  private readonly exact = new Map<string, string>();
  private readonly splits = new Map<string, string[] | null>();

  constructor(
    private readonly thesaurus: Thesaurus,
    wordDf: ReadonlyMap<string, number>,
  ) {
    this.wordDf = new Map();
    for (const [word, df] of wordDf) {
      if (df < KNOWN_MIN_DF) continue;
      this.wordDf.set(word, df);
      const stem = stemSwedish(word);
      this.stemDf.set(stem, (this.stemDf.get(stem) ?? 0) + df);
    }
    this.thesaurusDeletes = thesaurusTypoIndex(thesaurus);
    for (const [word, df] of this.wordDf) if (df >= TYPO_TARGET_MIN_DF && !thesaurus.knownWords.has(word)) indexTypoTarget(this.deletes, word);
  }

  /** Counts in how many texts each word occurs (one text = one report). */
  static countWords(texts: Iterable<readonly string[]>): Map<string, number> {
    const df = new Map<string, number>();
    for (const words of texts) {
      for (const word of new Set(words)) df.set(word, (df.get(word) ?? 0) + 1);
    }
    return df;
  }

  static fromSnapshot(thesaurus: Thesaurus, snapshot: LexiconSnapshot): CorpusLexicon {
    return new CorpusLexicon(thesaurus, new Map(snapshot.words));
  }

  snapshot(): LexiconSnapshot {
    return { words: [...this.wordDf.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) };
  }

  isKnownStem(stem: string): boolean {
    return this.thesaurus.knownStems.has(stem) || (this.stemDf.get(stem) ?? 0) >= KNOWN_MIN_DF;
  }

  private stemFrequency(stem: string): number {
    const df = this.stemDf.get(stem) ?? 0;
    return this.thesaurus.knownStems.has(stem) ? Math.max(df, KNOWN_MIN_DF) : df;
  }

  /** The stem a word stands for: Snowball, then definite-ending folding, then typo correction. */
  resolveStem(lower: string): string {
    const cached = this.resolved.get(lower);
    if (cached !== undefined) return cached;
    const result = this.resolveUncached(lower);
    this.resolved.set(lower, result);
    return result;
  }

  /** The stem of a word as written: Snowball and definite-ending folding, no typo correction. */
  private resolveExact(lower: string): string {
    let stem = this.exact.get(lower);
    if (stem === undefined) {
      stem = stemSwedish(lower);
      for (const candidate of definiteFoldCandidates(lower)) {
        if (candidate !== stem && this.isKnownStem(candidate)) {
          stem = candidate;
          break;
        }
      }
      this.exact.set(lower, stem);
    }
    return stem;
  }

  private resolveUncached(lower: string): string {
    const stem = this.resolveExact(lower);
    if (stem !== stemSwedish(lower) || this.isKnownStem(stem) || this.thesaurus.knownWords.has(lower)) return stem;
    if ((this.wordDf.get(lower) ?? 0) < KNOWN_MIN_DF && lower.length >= TYPO_MIN_LENGTH) {
      const corrected = this.correctTypo(lower);
      if (corrected !== undefined) {
        const correctedStem = stemSwedish(corrected);
        for (const candidate of definiteFoldCandidates(corrected)) {
          if (candidate !== correctedStem && this.isKnownStem(candidate)) return candidate;
        }
        return correctedStem;
      }
    }
    return stem;
  }

  /** The most common known word one edit (insert, delete, substitute, swap) away, if any. */
  private correctTypo(lower: string): string | undefined {
    let best: string | undefined;
    let bestDf = -1;
    for (const variant of [lower, ...singleDeletes(lower)]) {
      for (const candidate of candidatesOf(variant, this.thesaurusDeletes, this.deletes)) {
        if (candidate === lower || !withinOneEdit(lower, candidate)) continue;
        const df = this.thesaurus.knownWords.has(candidate) ? Math.max(this.wordDf.get(candidate) ?? 0, TYPO_TARGET_MIN_DF) : this.wordDf.get(candidate) ?? 0;
        if (df > bestDf || (df === bestDf && best !== undefined && candidate < best)) {
          best = candidate;
          bestDf = df;
        }
      }
    }
    return best;
  }

  /**
   * Splits a compound into known words ("arbetsträningsplats" -> arbetsträning + plats),
   * choosing the split whose parts are most common; null when no split into known words exists.
   */
  splitCompound(lower: string): string[] | null {
    const cached = this.splits.get(lower);
    if (cached !== undefined) return cached;
    const result = this.splitUncached(lower, 0);
    this.splits.set(lower, result);
    return result;
  }

  private isKnownPart(part: string): boolean {
    if (part.length < COMPOUND_PART_MIN_LENGTH || SWEDISH_STOPWORDS.has(part)) return false;
    if (this.thesaurus.knownWords.has(part)) return true;
    // Exact forms only: a typo-corrected fragment would let the split slip by a letter
    // (praktikplats -> prakti + kplats, both "corrected") and win on the corrected words' frequency.
    const stem = this.resolveExact(part);
    return stem.length >= COMPOUND_PART_MIN_LENGTH && !STOPWORD_STEMS.has(stem) && this.isKnownStem(stem);
  }

  private partScore(part: string): number {
    return Math.max(1, this.stemFrequency(this.resolveExact(part)), this.thesaurus.knownWords.has(part) ? KNOWN_MIN_DF : 0);
  }

  private splitUncached(lower: string, depth: number): string[] | null {
    if (lower.length < COMPOUND_MIN_LENGTH || depth > 1 || !/^\p{L}+$/u.test(lower)) return null;
    let best: string[] | null = null;
    let bestScore = 0;
    for (let i = COMPOUND_PART_MIN_LENGTH; i <= lower.length - COMPOUND_PART_MIN_LENGTH; i++) {
      const right = lower.slice(i);
      if (SUFFIX_PARTS.has(right)) continue;
      const leftRaw = lower.slice(0, i);
      // Linking -s- (arbetsträningsplats) is tried as well as the plain left part.
      const lefts = leftRaw.endsWith('s') && leftRaw.length > COMPOUND_PART_MIN_LENGTH ? [leftRaw, leftRaw.slice(0, -1)] : [leftRaw];
      const left = lefts.find((candidate) => this.isKnownPart(candidate));
      if (left === undefined) continue;
      let rightParts: string[] | null = this.isKnownPart(right) ? [right] : null;
      if (rightParts === null) rightParts = this.splitUncached(right, depth + 1);
      if (rightParts === null) continue;
      const parts = [left, ...rightParts];
      // Geometric mean of part frequencies (Koehn & Knight), so common words win over fragments.
      const score = Math.exp(parts.reduce((sum, part) => sum + Math.log(this.partScore(part)), 0) / parts.length);
      if (score > bestScore) {
        best = parts;
        bestScore = score;
      }
    }
    return best;
  }
}

// Endings that are also short words (ande, het, ring, res): as the last "part" they are the word's
// own derivation or inflection (deltagande, verksamhet, planering, deltagares), never a compound's head.
const SUFFIX_PARTS: ReadonlySet<string> = new Set(['ande', 'ende', 'het', 'heten', 'heter', 'heterna', 'ring', 'ringen', 'ringar', 'ning', 'ningen', 'res', 'ares', 'are', 'arna', 'arens', 'else', 'skap', 'lig', 'liga', 'isk', 'iska']);

// Stems of function words ("ingen" -> "ing", "helt" -> "hel") are never compound parts.
const STOPWORD_STEMS: ReadonlySet<string> = new Set([...SWEDISH_STOPWORDS].map((word) => stemSwedish(word)));

function singleDeletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

/** Optimal string alignment distance <= 1 (one insert, delete, substitution or adjacent swap). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return i + 1 < la && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
