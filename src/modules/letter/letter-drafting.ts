import { Injectable } from '@nestjs/common';
import { TemplateRenderer } from '../../common/templates/template-renderer';
import { barrierDisplayName, PARTY_WORDS } from '../barrier/barrier-wording';
import { DEFAULT_RECIPIENT, LetterSection, PARTY_NAMES } from './letter.constants';
import { LetterEvidence, QuarterCount, TREND_LABELS, trendWindows } from './letter-evidence';
import { defaultSpecialCategoryDetector } from './special-category';
import { swedishList } from '../../common/text/swedish-list';

/**
 * The analyst's starting point: each section of a new letter in formal Swedish, worded by the
 * templates in templates/letters/draft-*.txt.njk and filled only with what the reports say.
 */

export interface DraftInput {
  barrierName: string;
  /**
   * Whether the analyst named the barrier. A generated name is the engine's keywords ("sjukpenning, ersättning och
   * upphöra"), which reads as machine output in a subject line, so an unnamed barrier is described by its parties.
   */
  barrierNamed: boolean;
  /** Characteristic terms of the barrier, most characteristic first. */
  terms: readonly string[];
  recipient: string;
  evidence: LetterEvidence;
}

export type LetterDraft = Record<'subject' | LetterSection, string>;

const MONTH_YEAR = new Intl.DateTimeFormat('sv-SE', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "mars 2018" for 2018-03-12. */
export function monthYear(date: string): string {
  return MONTH_YEAR.format(new Date(`${date.slice(0, 7)}-15T12:00:00Z`));
}

/** "mellan mars 2018 och december 2019", "mellan januari och juni 2026" (the year once), or "under mars 2018" when it is one month. */
export function periodPhrase(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  const first = monthYear(from);
  const last = monthYear(to);
  if (first === last) return `under ${first}`;
  return from.slice(0, 4) === to.slice(0, 4) ? `mellan ${first.replace(/ \d{4}$/u, '')} och ${last}` : `mellan ${first} och ${last}`;
}

/** "glapp mellan FK och AF …" but "AF:s insatser …" stays as written. */
export function lowerFirst(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length < 2) return trimmed.toLowerCase();
  return /\p{Ll}/u.test(trimmed.charAt(1)) ? trimmed.charAt(0).toLowerCase() + trimmed.slice(1) : trimmed;
}

/** The recipient as named in a sentence: the first line of the address block. */
export function recipientName(recipient: string): string {
  return recipient.split('\n').map((line) => line.trim()).find((line) => line !== '') ?? DEFAULT_RECIPIENT;
}

const NUMBER_WORDS = ['noll', 'ett', 'två', 'tre', 'fyra', 'fem', 'sex', 'sju', 'åtta', 'nio', 'tio', 'elva', 'tolv'];

/**
 * A number as formal Swedish running text writes it: one to twelve in words ("en kommun", "ett delprojekt",
 * "fem rapporter"), larger numbers in digits. `gender` is the noun's: en-ord or ett-ord.
 */
export function numberWord(n: number, gender: 'en' | 'ett' = 'ett'): string {
  if (!Number.isInteger(n) || n < 0 || n > 12) return String(n);
  return n === 1 ? gender : NUMBER_WORDS[n];
}

/** "en kommun", "sju kommuner", "13 kommuner". */
export function counted(n: number, singular: string, plural: string, gender: 'en' | 'ett'): string {
  return `${numberWord(n, gender)} ${n === 1 ? singular : plural}`;
}

export interface CountedNoun {
  singularDefinite: string;
  plural: string;
  pluralDefinite: string;
  gender: 'en' | 'ett';
}

/**
 * "i 5 av 13 rapporter", "i två av fyra rapporter", "i alla fyra rapporterna", "i båda rapporterna", "i rapporten":
 * a part of the whole. Numbers compared are written alike, so both in words only when both are twelve or less.
 */
export function partOf(part: number, whole: number, noun: CountedNoun): string {
  if (whole === 1) return `i ${noun.singularDefinite}`;
  if (part === whole) return whole === 2 ? `i båda ${noun.pluralDefinite}` : `i alla ${numberWord(whole, noun.gender)} ${noun.pluralDefinite}`;
  const inWords = whole <= 12;
  return `i ${inWords ? numberWord(part, noun.gender) : part} av ${inWords ? numberWord(whole, noun.gender) : whole} ${noun.plural}`;
}

export const REPORT_NOUN: CountedNoun = { singularDefinite: 'rapporten', plural: 'rapporter', pluralDefinite: 'rapporterna', gender: 'en' };
export const CASE_NOUN: CountedNoun = { singularDefinite: 'fallet', plural: 'fall', pluralDefinite: 'fallen', gender: 'ett' };

/** A sentence never starts with digits: "Fem rapporter …", but "Sammanlagt 13 rapporter …". */
export function sentenceStart(phrase: string): string {
  return /^\d/u.test(phrase) ? `Sammanlagt ${phrase}` : phrase.charAt(0).toUpperCase() + phrase.slice(1);
}

const QUARTER_ORDINALS = ['första', 'andra', 'tredje', 'fjärde'];

/** "tredje kvartalet 2026" for 2026-Q3: how running text names a quarter (tables say "2026 K3"). */
export function quarterInWords(quarter: string): string {
  return `${QUARTER_ORDINALS[Number(quarter.slice(6)) - 1]} kvartalet ${quarter.slice(0, 4)}`;
}

function reports(count: number): string {
  return count === 0 ? 'inga rapporter' : counted(count, 'rapport', 'rapporter', 'en');
}

const TREND_CONCLUSIONS: Record<keyof typeof TREND_LABELS, string> = {
  okande: 'antalet har alltså ökat',
  minskande: 'antalet har alltså minskat',
  oforandrad: 'antalet är alltså oförändrat',
};

/** What the trend table shows, in a sentence with the numbers behind the word. */
export function trendSentence(quarters: readonly QuarterCount[], direction: keyof typeof TREND_LABELS): string {
  const last = quarters[quarters.length - 1];
  const windows = trendWindows(quarters);
  if (!last) return '';
  if (!windows) return `${last.count === 1 ? 'Rapporten' : 'Alla rapporterna'} kom under ${quarterInWords(last.quarter)}.`;
  const recent = windows.recent.reduce((sum, q) => sum + q.count, 0);
  const before = windows.before.reduce((sum, q) => sum + q.count, 0);
  const span = windows.recent.length === 2 ? 'de två senaste kvartalen' : 'det senaste kvartalet';
  const previous = windows.recent.length === 2 ? 'de två kvartalen dessförinnan' : 'kvartalet dessförinnan';
  const against = before === 0 ? 'inga' : numberWord(before, 'en');
  return `Under ${span} (till och med ${quarterInWords(last.quarter)}) kom ${reports(recent)} in, mot ${against} under ${previous}; ${TREND_CONCLUSIONS[direction]}.`;
}

export interface DraftContext {
  barrierName: string;
  barrierNameLower: string;
  barrierNamed: boolean;
  /** What the subject line says the letter is about: the analyst's name, or the parties while it has none. */
  subjectTopic: string;
  recipientName: string;
  reportCount: number;
  /** One report: the letter speaks of the report, the situation and the participant, and of no recurrence. */
  singleReport: boolean;
  municipalityCount: number;
  subprojectCount: number;
  /** "fem avvikelserapporter", "en avvikelserapport", "13 avvikelserapporter". */
  reportsText: string;
  /** The same at the start of a sentence: "Fem avvikelserapporter", "Sammanlagt 13 avvikelserapporter". */
  reportsTextStart: string;
  municipalitiesText: string;
  subprojectsText: string;
  /** "i 5 av 13 rapporter", "i alla fyra rapporterna". */
  severeOf: string;
  /** "i två av fyra fall". */
  structuralOf: string;
  municipalityList: string;
  subprojectList: string;
  periodText: string;
  trendText: string;
  partyCount: number;
  partyNames: string;
  partyGenitives: string;
  partyLines: string[];
  terms: string;
  severeCount: number;
  structuralCount: number;
  excerpts: LetterEvidence['excerpts'];
  consequences: LetterEvidence['consequences'];
  triedLocally: LetterEvidence['triedLocally'];
}

/** The parties as terms ("Försäkringskassan", "kommunen"): the section names them already, just above the terms. */
const PARTY_TERMS = new Set(
  [...Object.values(PARTY_WORDS), ...Object.values(PARTY_NAMES).flatMap((party) => [party.name, party.single])].map((word) => word.toLocaleLowerCase('sv')),
);

/**
 * A term such as "depression och ångest" or "missbruk": beside the kommuner the letter names it can say as much as
 * a quote would, so the terms leave out what the quotes leave out (special-category.sv.txt).
 */
function isSpecialCategoryTerm(term: string): boolean {
  return defaultSpecialCategoryDetector().find(term).length > 0;
}

/**
 * "ett återkommande hinder mellan Försäkringskassan och Arbetsförmedlingen", for a barrier nobody has named yet.
 * One report (escalated because a lead marked it structural) has not recurred: "ett strukturellt hinder mellan …".
 */
export function unnamedTopic(partyNames: readonly string[], recurring = true): string {
  const kind = recurring ? 'återkommande' : 'strukturellt';
  if (partyNames.length > 1) return `ett ${kind} hinder mellan ${swedishList(partyNames)}`;
  if (partyNames.length === 1) return `ett ${kind} hinder hos ${partyNames[0]}`;
  return recurring ? 'ett återkommande strukturellt hinder' : 'ett strukturellt hinder';
}

/** Everything the draft templates say, computed here so the templates hold wording only. */
export function draftContext(input: DraftInput): DraftContext {
  const { evidence } = input;
  // Whose rules meet: the barrier's parties (as its page lists them), most reports first. Every party a report named
  // is still counted below (partyLines), but one report naming the region does not put the region in the subject.
  const parties = evidence.parties.filter((p) => PARTY_NAMES[p.name] !== undefined && evidence.interfaceParties.includes(p.name));
  const namedInReports = evidence.parties.filter((p) => PARTY_NAMES[p.name] !== undefined);
  const reportsText = counted(evidence.reportCount, 'avvikelserapport', 'avvikelserapporter', 'en');
  return {
    barrierName: barrierDisplayName(input.barrierName),
    barrierNameLower: lowerFirst(barrierDisplayName(input.barrierName)),
    barrierNamed: input.barrierNamed,
    subjectTopic: input.barrierNamed
      ? lowerFirst(barrierDisplayName(input.barrierName))
      : // "andra aktörer (t.ex. …)" is too loose for a subject line beside named parties.
        unnamedTopic(
          (parties.some((p) => p.name !== 'ANNAN') ? parties.filter((p) => p.name !== 'ANNAN') : parties).map((p) => PARTY_NAMES[p.name].name),
          evidence.reportCount !== 1,
        ),
    recipientName: recipientName(input.recipient),
    reportCount: evidence.reportCount,
    singleReport: evidence.reportCount === 1,
    municipalityCount: evidence.municipalities.length,
    subprojectCount: evidence.subprojects.length,
    reportsText,
    reportsTextStart: sentenceStart(reportsText),
    municipalitiesText: counted(evidence.municipalities.length, 'kommun', 'kommuner', 'en'),
    subprojectsText: counted(evidence.subprojects.length, 'delprojekt', 'delprojekt', 'ett'),
    severeOf: partOf(evidence.severeCount, evidence.reportCount, REPORT_NOUN),
    structuralOf: partOf(evidence.structuralCount, evidence.reportCount, CASE_NOUN),
    municipalityList: swedishList(evidence.municipalities.map((m) => m.name)),
    subprojectList: swedishList(evidence.subprojects.map((s) => s.name)),
    periodText: periodPhrase(evidence.periodFrom, evidence.periodTo),
    trendText: trendSentence(evidence.quarters, evidence.trend),
    partyCount: parties.length,
    partyNames: swedishList(parties.map((p) => PARTY_NAMES[p.name].name)),
    partyGenitives: swedishList(parties.map((p) => PARTY_NAMES[p.name].genitive)),
    partyLines: namedInReports
      .filter((p) => p.count > 0)
      // "I 9 av 11 rapporter anges kommunen som berörd part": one party per report, so the singular.
      .map((p) => `${sentenceStart(partOf(p.count, evidence.reportCount, REPORT_NOUN))} anges ${PARTY_NAMES[p.name].single} som berörd part.`),
    terms: swedishList(input.terms.filter((term) => !PARTY_TERMS.has(term.toLocaleLowerCase('sv')) && !isSpecialCategoryTerm(term)).slice(0, 6)),
    severeCount: evidence.severeCount,
    structuralCount: evidence.structuralCount,
    excerpts: evidence.excerpts,
    consequences: evidence.consequences,
    triedLocally: evidence.triedLocally,
  };
}

const TEMPLATES: Record<keyof LetterDraft, string> = {
  subject: 'letters/draft-subject.txt.njk',
  summary: 'letters/draft-summary.txt.njk',
  evidence: 'letters/draft-evidence.txt.njk',
  consequences: 'letters/draft-consequences.txt.njk',
  triedLocally: 'letters/draft-tried-locally.txt.njk',
  interfaceRules: 'letters/draft-interface-rules.txt.njk',
  requestedAction: 'letters/draft-requested-action.txt.njk',
};

/** Blank lines between paragraphs, none at the ends, no trailing spaces. */
export function tidyDraftText(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/u, ''))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

@Injectable()
export class LetterDrafter {
  constructor(private readonly templates: TemplateRenderer) {}

  draft(input: DraftInput): LetterDraft {
    const context = draftContext(input);
    const draft = {} as LetterDraft;
    for (const [field, template] of Object.entries(TEMPLATES) as Array<[keyof LetterDraft, string]>) {
      draft[field] = tidyDraftText(this.templates.renderText(template, context));
    }
    draft.subject = draft.subject.replace(/\s+/g, ' ');
    return draft;
  }
}
