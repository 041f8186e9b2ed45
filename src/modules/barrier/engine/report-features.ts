import { CorpusLexicon } from './corpus-lexicon';
import { DEFAULT_MEANING_WEIGHT } from './meaning-features';
import { EngineReport, isPartyCode, PartyCode } from './engine-types';
import { forEachWord, isNumeric, isQuantity, SWEDISH_STOPWORDS } from './text-normalizer';
import { broaderConcepts, matchThesaurus, Thesaurus } from './thesaurus';

/** What a report says, as countable features: concepts ('c:'), word stems ('t:'), parties. */
export interface ReportFeatures {
  id: string;
  /** feature key -> count in the report (text only; parties and category are kept apart). */
  counts: Map<string, number>;
  /** Parties from the form plus those implied by concepts in the text. */
  parties: Set<PartyCode>;
  category: string;
  /** term feature -> the word as most often written in this report (for explanations). */
  surfaces: Map<string, string>;
}

/** The free-text fields of a report, title first. */
export function reportTexts(report: EngineReport): string[] {
  return [report.title, report.description, report.consequence ?? '', report.tried ?? ''].filter((part) => part.trim() !== '');
}

// Swedish compounds are right-headed: the last part names what the thing is (löneutmätning is an
// utmätning, vuxenhab a hab), and new compounds are coined freely, so the head counts as the word
// written on its own. The parts before it only narrow it down and count a little less.
const COMPOUND_HEAD_WEIGHT = 1;
const COMPOUND_MODIFIER_WEIGHT = 0.5;
// A broader concept (sjukpenning -> ersättning) is weaker evidence than the word itself.
export const BROADER_WEIGHT = 0.5;

/** The words of a report as written, with a break marker between fields. */
export function reportWords(report: EngineReport): string[] {
  const raws: string[] = [];
  for (const text of reportTexts(report)) {
    forEachWord(text, (raw) => raws.push(raw));
    raws.push(FIELD_BREAK);
  }
  return raws;
}

/** The stem a word counts as (short words and numbers as they are). */
export function stemForFeatures(lower: string, lexicon: CorpusLexicon): string {
  return lower.length < 3 || isNumeric(lower) ? lower : lexicon.resolveStem(lower);
}

/** Extracts features from one report against the thesaurus and the corpus vocabulary (its meaning keys, if any, at `meaningWeight` each). */
export function extractFeatures(report: EngineReport, thesaurus: Thesaurus, lexicon: CorpusLexicon, meaningWeight = DEFAULT_MEANING_WEIGHT): ReportFeatures {
  const raws = reportWords(report);
  const lowers = raws.map((raw) => raw.toLowerCase());
  const stems = lowers.map((lower) => stemForFeatures(lower, lexicon));
  const features = featuresFromWords(report, raws, lowers, stems, thesaurus, lexicon);
  // After the words, as the corpus reader adds them (feature-space.ts).
  for (const key of report.meaningKeys ?? []) features.counts.set(key, (features.counts.get(key) ?? 0) + meaningWeight);
  return features;
}

/**
 * Features from a report's words, given as parallel arrays (as written, lower case, stem), so a
 * large corpus can resolve each distinct word once and reuse it.
 */
export function featuresFromWords(
  report: EngineReport,
  raws: readonly string[],
  lowers: readonly string[],
  stems: readonly string[],
  thesaurus: Thesaurus,
  lexicon: CorpusLexicon,
): ReportFeatures {
  const counts = new Map<string, number>();
  const surfaces = new Map<string, string>();
  const parties = new Set<PartyCode>();
  for (const party of report.parties) {
    const code = party.toUpperCase();
    if (isPartyCode(code)) parties.add(code);
  }
  const apply = (steps: readonly TokenStep[]): void => {
    for (const step of steps) {
      counts.set(step.key, (counts.get(step.key) ?? 0) + step.weight);
      if (step.party !== null) parties.add(step.party);
      if (step.surface !== null && !surfaces.has(step.key)) surfaces.set(step.key, step.surface);
    }
  };
  const matches = matchThesaurus(thesaurus, stems, raws);
  const plans = tokenPlans(thesaurus, lexicon);
  let next = 0;
  const handleFreeToken = (index: number): void => {
    const lower = lowers[index];
    let plan = plans.get(lower);
    if (plan === undefined) {
      plan = planFreeToken(lower, stems[index], thesaurus, lexicon);
      plans.set(lower, plan);
    }
    apply(plan);
  };
  for (const match of matches) {
    for (; next < match.start; next++) handleFreeToken(next);
    if (match.conceptKey !== null) apply(planConcept(match.conceptKey, thesaurus));
    next = match.start + match.length;
  }
  for (; next < lowers.length; next++) handleFreeToken(next);
  return { id: report.id, counts, parties, category: report.category, surfaces };
}

export const FIELD_BREAK = '\u0000';

/** The features a thesaurus concept adds where it is named (weight 1) or is part of a compound: itself, with its party, and its broader concepts. */
export function planConcept(conceptKey: string, thesaurus: Thesaurus, weight = 1): readonly TokenStep[] {
  const steps: TokenStep[] = [{ key: conceptFeature(conceptKey), weight, surface: null, party: thesaurus.concepts.get(conceptKey)?.party ?? null }];
  for (const broader of broaderConcepts(thesaurus, conceptKey)) steps.push({ key: broaderFeature(broader), weight: weight * BROADER_WEIGHT, surface: null, party: null });
  return steps;
}

/** One feature a free word adds: its key and weight, the surface to show for a term, the party a concept implies. */
export interface TokenStep {
  key: string;
  weight: number;
  surface: string | null;
  party: PartyCode | null;
}

/**
 * What a word outside thesaurus phrases adds depends only on the word (given the thesaurus and the
 * corpus vocabulary), so it is worked out once per distinct word: a corpus repeats its words many
 * times, and splitting compounds and matching their parts is the costly part of reading a report.
 */
const plansByLexicon = new WeakMap<CorpusLexicon, { thesaurus: Thesaurus; plans: Map<string, readonly TokenStep[]> }>();
function tokenPlans(thesaurus: Thesaurus, lexicon: CorpusLexicon): Map<string, readonly TokenStep[]> {
  let entry = plansByLexicon.get(lexicon);
  if (entry === undefined || entry.thesaurus !== thesaurus) {
    entry = { thesaurus, plans: new Map() };
    plansByLexicon.set(lexicon, entry);
  }
  return entry.plans;
}

/** The features one word outside thesaurus phrases adds (see tokenPlans). */
export function planFreeToken(lower: string, stem: string, thesaurus: Thesaurus, lexicon: CorpusLexicon): readonly TokenStep[] {
  if (isQuantity(lower)) return [{ key: termFeature(lower), weight: 1, surface: lower, party: null }];
  if (lower === FIELD_BREAK || lower.length < 3 || isNumeric(lower) || SWEDISH_STOPWORDS.has(lower)) return [];
  const steps: TokenStep[] = [{ key: termFeature(stem), weight: 1, surface: lower, party: null }];
  const parts = lexicon.splitCompound(lower);
  if (parts === null) return steps;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const weight = p === parts.length - 1 ? COMPOUND_HEAD_WEIGHT : COMPOUND_MODIFIER_WEIGHT;
    const partStem = lexicon.resolveStem(part);
    const [partMatch] = matchThesaurus(thesaurus, [partStem], [part]);
    if (partMatch) {
      if (partMatch.conceptKey === null) continue;
      steps.push(...planConcept(partMatch.conceptKey, thesaurus, weight));
    } else if (!SWEDISH_STOPWORDS.has(part)) {
      steps.push({ key: termFeature(partStem), weight, surface: part, party: null });
    }
  }
  return steps;
}

// Feature keys are built once per distinct word or concept (they are made for every token).
const termKeys = new Map<string, string>();
const conceptKeys = new Map<string, string>();
const broaderKeys = new Map<string, string>();
function cachedKey(cache: Map<string, string>, prefix: string, body: string): string {
  let key = cache.get(body);
  if (key === undefined) {
    key = prefix + body;
    if (cache.size < 1_000_000) cache.set(body, key);
  }
  return key;
}
function termFeature(stem: string): string {
  return cachedKey(termKeys, 't:', stem);
}
function conceptFeature(concept: string): string {
  return cachedKey(conceptKeys, 'c:', concept);
}
function broaderFeature(concept: string): string {
  return cachedKey(broaderKeys, 'b:', concept);
}
