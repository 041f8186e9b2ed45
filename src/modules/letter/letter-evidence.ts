import { PARTY_SHARE } from '../barrier/engine/barrier-explainer';
import { anonymiseExcerpt, dropRemovedLabels, shortenExcerpt } from './excerpt-anonymiser';
import { defaultSpecialCategoryDetector, SpecialCategoryDetector } from './special-category';

/**
 * The evidence of a letter, built from the barrier's member reports: how many, where, when, which
 * way it is going, and a few short anonymised quotes. Pure, so the numbers are unit-tested; the
 * result is stored as the letter's evidence snapshot and printed in its tables.
 */

/** What is counted of every member report. */
export interface EvidenceFacts {
  reference: string;
  /** YYYY-MM-DD: when it happened. Quarters and the period count from this. */
  occurredOn: string;
  municipality: string;
  subproject: string;
  parties: readonly string[];
  severity: string;
  /** A lead marked the report strukturellt hinder (it could not be solved locally). */
  markedStructural: boolean;
}

/** What quotes are taken from; only the newest reports' texts are usually needed. */
export interface EvidenceTexts {
  description: string;
  consequence: string;
  tried: string | null;
  resolution: string | null;
}

export interface EvidenceMember extends EvidenceFacts, EvidenceTexts {}

export type EvidenceTextField = keyof EvidenceTexts;

export interface NamedCount {
  name: string;
  count: number;
}

export interface MunicipalityCount extends NamedCount {
  subproject: string;
}

export interface QuarterCount {
  /** "2018-Q2", sortable. */
  quarter: string;
  /** "2018 K2" */
  label: string;
  count: number;
}

export type TrendDirection = 'okande' | 'minskande' | 'oforandrad';

export const TREND_LABELS: Record<TrendDirection, string> = { okande: 'ökande', minskande: 'minskande', oforandrad: 'oförändrad' };

export interface EvidenceExcerpt {
  text: string;
  municipality: string;
  /** "2018 K2" */
  quarter: string;
}

export interface LetterEvidence {
  reportCount: number;
  /** Most reports first, then by name. */
  municipalities: MunicipalityCount[];
  subprojects: NamedCount[];
  periodFrom: string | null;
  periodTo: string | null;
  /** Every quarter from the first report's to the last one's, empty quarters included. */
  quarters: QuarterCount[];
  trend: TrendDirection;
  /** Party codes (AF, FK, …) by how many reports name them; the barrier's own parties count too. */
  parties: NamedCount[];
  /**
   * The parties whose rules meet at this barrier, as its page lists them: the barrier's own parties, or (a barrier
   * the engine has not described yet) those named in at least PARTY_SHARE of the reports, the engine's rule. The
   * subject line and the sentences on whose rules meet name these, not every party a single report ticked.
   */
  interfaceParties: string[];
  severeCount: number;
  structuralCount: number;
  excerpts: EvidenceExcerpt[];
  consequences: EvidenceExcerpt[];
  triedLocally: EvidenceExcerpt[];
  /** How many of the chosen quotes had something removed (nothing of what was removed is kept). */
  maskedQuotes: number;
  /**
   * How many of the chosen quotes had a health detail or other special-category data (GDPR art. 9) replaced by a
   * placeholder; quotes without any are chosen first. Absent in snapshots made before the rule.
   */
  sensitiveQuotes?: number;
}

export interface EvidenceOptions {
  /** Lower-cased words of kommun and delprojekt names, which the anonymiser must leave alone. */
  keepWords?: ReadonlySet<string>;
  maxExcerpts?: number;
  maxQuotes?: number;
  excerptLength?: number;
  quoteLength?: number;
  /**
   * Whether a report's text says its matter was settled locally ("löst lokalt", "rättat"): quoted, it would
   * undercut the letter. The barrier engine's isSettledLocally with the thesaurus's "=" lines; none by default.
   */
  isSettled?: (text: string) => boolean;
  /** Finds special-category data (health, ethnic origin, religion …) in quotes; the shipped word list by default. */
  specialCategory?: SpecialCategoryDetector;
}

const DEFAULTS = { maxExcerpts: 5, maxQuotes: 5, excerptLength: 200, quoteLength: 160 };

/** "2018-Q2" for a YYYY-MM-DD date. */
export function quarterOf(date: string): string {
  return `${date.slice(0, 4)}-Q${Math.floor((Number(date.slice(5, 7)) - 1) / 3) + 1}`;
}

export function quarterLabel(quarter: string): string {
  return `${quarter.slice(0, 4)} K${quarter.slice(6)}`;
}

function nextQuarter(quarter: string): string {
  const year = Number(quarter.slice(0, 4));
  const q = Number(quarter.slice(6));
  return q === 4 ? `${year + 1}-Q1` : `${year}-Q${q + 1}`;
}

/** All quarters between the first and last report, so a quiet quarter shows as 0. */
export function quartersOf(dates: readonly string[]): QuarterCount[] {
  if (dates.length === 0) return [];
  const counts = new Map<string, number>();
  for (const date of dates) counts.set(quarterOf(date), (counts.get(quarterOf(date)) ?? 0) + 1);
  const known = [...counts.keys()].sort();
  const result: QuarterCount[] = [];
  for (let quarter = known[0]; quarter <= known[known.length - 1]; quarter = nextQuarter(quarter)) {
    result.push({ quarter, label: quarterLabel(quarter), count: counts.get(quarter) ?? 0 });
  }
  return result;
}

/**
 * The quarters the trend compares: the last two against the two before them (one against one when there
 * are only two or three). Null with fewer than two quarters. The sentence and the table name these quarters.
 */
export function trendWindows(quarters: readonly QuarterCount[]): { recent: QuarterCount[]; before: QuarterCount[] } | null {
  if (quarters.length < 2) return null;
  const width = quarters.length >= 4 ? 2 : 1;
  return { recent: quarters.slice(-width), before: quarters.slice(-2 * width, -width) };
}

/** Which way the trend windows go. Fewer than two quarters: unchanged. */
export function trendOf(quarters: readonly QuarterCount[]): TrendDirection {
  const windows = trendWindows(quarters);
  if (!windows) return 'oforandrad';
  const sum = (items: readonly QuarterCount[]): number => items.reduce((total, q) => total + q.count, 0);
  const recent = sum(windows.recent);
  const before = sum(windows.before);
  return recent > before ? 'okande' : recent < before ? 'minskande' : 'oforandrad';
}

function byCountThenName<T extends NamedCount>(a: T, b: T): number {
  return b.count - a.count || a.name.localeCompare(b.name, 'sv');
}

function countBy(values: readonly string[]): NamedCount[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count })).sort(byCountThenName);
}

interface Candidate extends EvidenceExcerpt {
  occurredOn: string;
  reference: string;
  /** Nothing was removed from it. */
  clean: boolean;
  /** Chosen before the others: nothing removed, and it reads as a sentence (see readsAsSentence). */
  preferred: boolean;
  /** A special-category placeholder stands in it: chosen only when the others do not fill the quotes. */
  sensitive: boolean;
}

/**
 * Quotation marks and apostrophes inside a quote as Swedish prints them within ”…”: ’vänta och se’. A straight
 * or a ” mark inside would read as the end of the quote.
 */
export function innerQuotes(text: string): string {
  return text.replace(/["'”“‘]/gu, '’');
}

/**
 * Whether a quote starts as a sentence does, with a capital letter or a number. A note jotted in a hurry
 * ("deltagaren har ingen fast läkare på vc … fk väntar.") is quoted only when there are not enough others:
 * a letter to Nationella rådet is read, and passed on, as the project's own words.
 */
export function readsAsSentence(text: string): boolean {
  const first = /[\p{L}\p{N}]/u.exec(text)?.[0] ?? '';
  return /\p{Lu}|\p{N}/u.test(first);
}

/** Plain code-unit order: dates are ISO and references (AVV-2018-00012) ASCII, and it is several times faster than localeCompare. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function oldestFirst(a: EvidenceFacts, b: EvidenceFacts): number {
  return compareText(a.occurredOn, b.occurredOn) || compareText(a.reference, b.reference);
}

/** Member indexes newest first (then by reference): the order quotes are preferred in, and looked for in. */
export function quoteOrder(members: readonly EvidenceFacts[]): number[] {
  if (members.every((member, i) => i === 0 || oldestFirst(members[i - 1], member) <= 0)) {
    // Members mostly come oldest first (as letters list them): then it is their days in reverse, each day as it is.
    const order: number[] = [];
    for (let end = members.length; end > 0; ) {
      let start = end - 1;
      while (start > 0 && members[start - 1].occurredOn === members[end - 1].occurredOn) start -= 1;
      for (let i = start; i < end; i++) order.push(i);
      end = start;
    }
    return order;
  }
  return members
    .map((_, index) => index)
    .sort((a, b) => compareText(members[b].occurredOn, members[a].occurredOn) || compareText(members[a].reference, members[b].reference));
}

/** Oldest first, by date and then reference: how a letter's snapshot lists its members. */
export function sortOldestFirst<T extends EvidenceFacts>(members: T[]): T[] {
  return members.sort(oldestFirst);
}

/**
 * Up to `max` quotes: texts that needed no masking and read as sentences first, newest first, one per kommun
 * before a second from the same kommun; shown oldest first. Identical texts count once (the newest).
 * A quote with special-category data (a health detail, religion …) comes after all others, whatever its kommun,
 * and only with the data replaced by a placeholder: with kommun and quarter beside it, it could point to a person.
 *
 * Anonymising is the costly part, so the reports are looked at newest first and only until no report
 * not yet looked at could change the choice: with hundreds of reports a few are read, with few all.
 * The quotes come from `fields`, in order of preference within a report; `textsOf` gives one, or
 * undefined when it is not loaded, and then the result is null (load more and call again).
 */
function chooseQuotes(
  members: readonly EvidenceFacts[],
  order: readonly number[],
  fields: readonly EvidenceTextField[],
  textsOf: (index: number, field: EvidenceTextField) => string | null | undefined,
  max: number,
  length: number,
  keepWords: ReadonlySet<string>,
  isSettled: (text: string) => boolean,
  specialCategory: SpecialCategoryDetector,
): Candidate[] | null {
  // Reports not yet looked at, per kommun: one of them could still be the first quote from its kommun.
  const unread = new Map<string, number>();
  for (const member of members) unread.set(member.municipality, (unread.get(member.municipality) ?? 0) + 1);
  const seen = new Set<string>();
  // "clean" and "masked" below are the preferred quotes and the rest (masked or not reading as a sentence).
  const clean: Candidate[] = [];
  const masked: Candidate[] = [];
  // Quotes with special-category data: never in the passes below that "clean" and "masked" fill, so settled() ignores them.
  const sensitive: Candidate[] = [];
  // The kommuner the first pass below takes clean quotes from (at most max), and those with masked quotes.
  const cleanPlaces = new Set<string>();
  const maskedPlaces = new Set<string>();
  /** True when the texts not yet read cannot change what the passes below choose. */
  const settled = (): boolean => {
    let firstPass = cleanPlaces.size;
    if (firstPass < max) {
      // A report not yet read from a kommun without a clean quote could still give one, and would come first.
      for (const [place, left] of unread) if (left > 0 && !cleanPlaces.has(place)) return false;
      for (const place of maskedPlaces) if (!cleanPlaces.has(place)) firstPass += 1;
    }
    // The second pass must be filled from the clean quotes found so far (masked ones come after every clean one).
    return clean.length - cleanPlaces.size >= max - Math.min(max, firstPass);
  };
  // Whether settled() could have changed: only a new quote, or the last unread report of a kommun, changes it.
  let changed = true;
  for (const index of order) {
    if (changed && settled()) break;
    changed = false;
    const member = members[index];
    const left = (unread.get(member.municipality) ?? 1) - 1;
    unread.set(member.municipality, left);
    if (left === 0) changed = true;
    for (const field of fields) {
      const text = textsOf(index, field);
      if (text === undefined) return null;
      if (!text || text.trim().length === 0 || isSettled(text)) continue;
      // Before the names: a diagnosis written with a capital ("Asperger") is a health detail, not a name.
      const withoutSpecial = specialCategory.mask(text);
      const anonymised = anonymiseExcerpt(withoutSpecial.text, { keepWords });
      const short = innerQuotes(shortenExcerpt(dropRemovedLabels(anonymised.text), length));
      const key = short.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
      if (short.length < 15 || seen.has(key)) continue;
      seen.add(key);
      const candidate: Candidate = {
        text: short,
        municipality: member.municipality,
        quarter: quarterLabel(quarterOf(member.occurredOn)),
        occurredOn: member.occurredOn,
        reference: member.reference,
        clean: anonymised.replacements === 0 && withoutSpecial.replacements === 0,
        preferred: anonymised.replacements === 0 && withoutSpecial.replacements === 0 && readsAsSentence(short),
        // What the shortening cut off does not count: only a placeholder left in the quote.
        sensitive: withoutSpecial.replacements > 0 && specialCategory.placeholders.some((placeholder) => short.includes(placeholder)),
      };
      changed = true;
      if (candidate.sensitive) {
        sensitive.push(candidate);
      } else if (candidate.preferred) {
        clean.push(candidate);
        if (cleanPlaces.size < max) cleanPlaces.add(member.municipality);
      } else {
        masked.push(candidate);
        maskedPlaces.add(member.municipality);
      }
    }
  }
  // Clean first, each newest first (the order they were read in).
  const candidates = [...clean, ...masked];
  const chosen: Candidate[] = [];
  const places = new Set<string>();
  for (const candidate of candidates) {
    if (chosen.length >= max) break;
    if (places.has(candidate.municipality)) continue;
    places.add(candidate.municipality);
    chosen.push(candidate);
  }
  for (const candidate of candidates) {
    if (chosen.length >= max) break;
    if (!chosen.includes(candidate)) chosen.push(candidate);
  }
  for (const candidate of sensitive) {
    if (chosen.length >= max) break;
    chosen.push(candidate);
  }
  return chosen.sort((a, b) => a.occurredOn.localeCompare(b.occurredOn) || a.reference.localeCompare(b.reference));
}

const toExcerpt = ({ text, municipality, quarter }: Candidate): EvidenceExcerpt => ({ text, municipality, quarter });

export function buildLetterEvidence(members: readonly EvidenceMember[], barrierParties: readonly string[], options: EvidenceOptions = {}): LetterEvidence {
  // Every member's texts are at hand, so the result is never null.
  return buildLetterEvidenceFrom(members, (index, field) => members[index][field], barrierParties, options) as LetterEvidence;
}

/**
 * The evidence from every member's facts and as many members' texts as the quotes need: `textsOf(index,
 * field)` gives one text of members[index], or undefined when it is not loaded. Null when a quote needed a
 * text that was not loaded: load those of more members in `quoteOrder` (pass it as `order`) and call again.
 */
export function buildLetterEvidenceFrom(
  members: readonly EvidenceFacts[],
  textsOf: (index: number, field: EvidenceTextField) => string | null | undefined,
  barrierParties: readonly string[],
  options: EvidenceOptions = {},
  order: readonly number[] = quoteOrder(members),
): LetterEvidence | null {
  const settings = { ...DEFAULTS, ...options };
  const keepWords = options.keepWords ?? new Set<string>();
  const isSettled = options.isSettled ?? ((): boolean => false);
  const specialCategory = options.specialCategory ?? defaultSpecialCategoryDetector();
  const choose = (fields: readonly EvidenceTextField[], max: number, length: number): Candidate[] | null =>
    chooseQuotes(members, order, fields, textsOf, max, length, keepWords, isSettled, specialCategory);
  const excerpts = choose(['description'], settings.maxExcerpts, settings.excerptLength);
  const consequences = choose(['consequence'], settings.maxQuotes, settings.quoteLength);
  const triedLocally = choose(['resolution', 'tried'], settings.maxQuotes, settings.quoteLength);
  if (excerpts === null || consequences === null || triedLocally === null) return null;

  const dates = members.map((m) => m.occurredOn).sort();
  const subprojectOf = new Map(members.map((m) => [m.municipality, m.subproject]));
  const municipalities = countBy(members.map((m) => m.municipality)).map((entry) => ({ ...entry, subproject: subprojectOf.get(entry.name) ?? '' }));

  // The barrier's parties are named even if few reports tick them; reports add the rest (each party once per report).
  const partyCounts = countBy(members.flatMap((m) => (m.parties.length < 2 ? m.parties : m.parties.filter((party, i) => m.parties.indexOf(party) === i))));
  for (const party of barrierParties) if (!partyCounts.some((p) => p.name === party)) partyCounts.push({ name: party, count: 0 });
  partyCounts.sort(byCountThenName);
  const interfaceParties =
    barrierParties.length > 0 ? [...barrierParties] : partyCounts.filter((p) => p.count > 0 && p.count / members.length >= PARTY_SHARE).map((p) => p.name);

  const quarters = quartersOf(dates);
  return {
    reportCount: members.length,
    municipalities,
    subprojects: countBy(members.map((m) => m.subproject)),
    periodFrom: dates[0] ?? null,
    periodTo: dates[dates.length - 1] ?? null,
    quarters,
    trend: trendOf(quarters),
    parties: partyCounts,
    interfaceParties,
    severeCount: members.filter((m) => m.severity === 'hog').length,
    structuralCount: members.filter((m) => m.markedStructural).length,
    excerpts: excerpts.map(toExcerpt),
    consequences: consequences.map(toExcerpt),
    triedLocally: triedLocally.map(toExcerpt),
    maskedQuotes: [...excerpts, ...consequences, ...triedLocally].filter((c) => !c.clean).length,
    sensitiveQuotes: [...excerpts, ...consequences, ...triedLocally].filter((c) => c.sensitive).length,
  };
}

/** Lower-cased words of organisation names, for `keepWords`. */
export function keepWordsOf(names: readonly string[]): Set<string> {
  const words = new Set<string>();
  for (const name of names) for (const word of name.toLowerCase().split(/[\s,]+/)) if (word.length > 0) words.add(word);
  return words;
}
