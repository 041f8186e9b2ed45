import { Injectable } from '@nestjs/common';
import { TemplateRenderer } from '../../common/templates/template-renderer';
import { barrierDisplayName } from '../barrier/barrier-wording';
import { DEFAULT_RECIPIENT, LetterSection, PARTY_NAMES } from './letter.constants';
import { LetterEvidence, QuarterCount, TREND_LABELS } from './letter-evidence';

/**
 * The analyst's starting point: each section of a new letter in formal Swedish, worded by the
 * templates in templates/letters/draft-*.txt.njk and filled only with what the reports say.
 */

export interface DraftInput {
  barrierName: string;
  /** Characteristic terms of the barrier, most characteristic first. */
  terms: readonly string[];
  recipient: string;
  evidence: LetterEvidence;
}

export type LetterDraft = Record<'subject' | LetterSection, string>;

const MONTH_YEAR = new Intl.DateTimeFormat('sv-SE', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "Haninge, Botkyrka och Salem". */
export function swedishList(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} och ${items[items.length - 1]}`;
}

/** "mars 2018" for 2018-03-12. */
export function monthYear(date: string): string {
  return MONTH_YEAR.format(new Date(`${date.slice(0, 7)}-15T12:00:00Z`));
}

/** "mellan mars 2018 och december 2019", or "under mars 2018" when it is one month. */
export function periodPhrase(from: string | null, to: string | null): string {
  if (!from || !to) return '';
  const first = monthYear(from);
  const last = monthYear(to);
  return first === last ? `under ${first}` : `mellan ${first} och ${last}`;
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

function reports(count: number): string {
  return `${count} ${count === 1 ? 'rapport' : 'rapporter'}`;
}

/** What the trend table shows, in a sentence with the numbers behind the word. */
export function trendSentence(quarters: readonly QuarterCount[], direction: keyof typeof TREND_LABELS): string {
  if (quarters.length < 2) return 'Rapporterna kom under ett och samma kvartal.';
  const width = quarters.length >= 4 ? 2 : 1;
  const recent = quarters.slice(-width).reduce((sum, q) => sum + q.count, 0);
  const before = quarters.slice(-2 * width, -width).reduce((sum, q) => sum + q.count, 0);
  const span = width === 2 ? 'de två senaste kvartalen' : 'det senaste kvartalet';
  const previous = width === 2 ? 'de två kvartalen dessförinnan' : 'kvartalet dessförinnan';
  return `Under ${span} (till och med ${quarters[quarters.length - 1].label}) kom ${reports(recent)}, mot ${reports(before)} under ${previous}; utvecklingen är ${TREND_LABELS[direction]}.`;
}

export interface DraftContext {
  barrierName: string;
  barrierNameLower: string;
  recipientName: string;
  reportCount: number;
  municipalityCount: number;
  subprojectCount: number;
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

/** Everything the draft templates say, computed here so the templates hold wording only. */
export function draftContext(input: DraftInput): DraftContext {
  const { evidence } = input;
  const parties = evidence.parties.filter((p) => PARTY_NAMES[p.name] !== undefined);
  return {
    barrierName: barrierDisplayName(input.barrierName),
    barrierNameLower: lowerFirst(barrierDisplayName(input.barrierName)),
    recipientName: recipientName(input.recipient),
    reportCount: evidence.reportCount,
    municipalityCount: evidence.municipalities.length,
    subprojectCount: evidence.subprojects.length,
    municipalityList: swedishList(evidence.municipalities.map((m) => m.name)),
    subprojectList: swedishList(evidence.subprojects.map((s) => s.name)),
    periodText: periodPhrase(evidence.periodFrom, evidence.periodTo),
    trendText: trendSentence(evidence.quarters, evidence.trend),
    partyCount: parties.length,
    partyNames: swedishList(parties.map((p) => PARTY_NAMES[p.name].name)),
    partyGenitives: swedishList(parties.map((p) => PARTY_NAMES[p.name].genitive)),
    partyLines: parties
      .filter((p) => p.count > 0)
      .map((p) => {
        const name = PARTY_NAMES[p.name].name;
        return `${name.charAt(0).toUpperCase()}${name.slice(1)} anges som berörd part i ${p.count} av ${evidence.reportCount} rapporter.`;
      }),
    terms: swedishList(input.terms.slice(0, 6)),
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
