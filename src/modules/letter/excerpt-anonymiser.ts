import { maskPii } from '../../common/pii/pii-detector';
import { getNameLexicon, nameKey, NAME_IS_FIRST, NAME_IS_SURNAME } from '../../common/pii/name-lexicon';
import { AMBIGUOUS_FIRST_NAMES, NAME_STOPWORDS, ORGANISATION_SUFFIX_PATTERN } from '../../common/pii/name-stoplist';

/**
 * Makes a short quote from a report fit to leave the organisation in a letter. The shared masker
 * removes what it is sure of (personnummer, phone, e-mail, full names); a letter is read by people
 * outside MIA, so this goes further and also removes what only *might* identify someone: lone first
 * names and surnames, initials, any long number (also one with a wrong check digit), dates, ages and
 * street addresses. Over-masking costs a word in an example; under-masking cannot be undone.
 */

export interface AnonymiseOptions {
  /** Lower-cased proper nouns that never name a person here (kommuner, delprojekt). */
  keepWords?: ReadonlySet<string>;
}

export interface AnonymisedText {
  text: string;
  /** How many things were removed; 0 means the text was clean as written. */
  replacements: number;
}

export const REMOVED = {
  date: '[datum borttaget]',
  number: '[nummer borttaget]',
  age: '[ålder borttagen]',
  address: '[adress borttagen]',
  initials: '[initialer borttagna]',
  name: '[namn borttaget]',
} as const;

const ISO_DATE = /(?<!\d)(?:19|20)\d{2}-[01]\d-[0-3]\d(?!\d)/g;
const SHORT_DATE = /(?<![\d/])[0-3]?\d\/[01]?\d(?:\/(?:19|20)?\d{2})?(?![\d/])/g;
const DAY_MONTH = /(?<![\p{L}\d])[0-3]?\d(?::e|:a)?\s+(?:januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december|jan|feb|apr|jun|jul|aug|sep|sept|okt|nov|dec)\b(?:\s+(?:19|20)\d{2})?/giu;
/** A run of digits with separators; replaced when it holds six digits or more (ids, case and phone numbers). */
const DIGIT_RUN = /\+?\d[\d \-–/.]*\d/g;
const AGE = /(?<![\p{L}\d])\d{1,3}\s?-?\s?(?:årig(?:a|e)?|åring(?:en|ar)?)(?![\p{L}])|(?<![\p{L}\d])\d{1,3}\s+år\s+gammal|(?<![\p{L}])född\s+(?:år\s+|i\s+)?(?:19|20)\d{2}/giu;
const STREET = /(?<![\p{L}])\p{Lu}[\p{Ll}\p{M}]*(?:gatan|vägen|gränd|gränden|torget|backen|stigen|allén|plan|platsen|parken|leden|slingan)\s+\d+\s?[A-Za-z]?(?![\p{L}\d])/gu;
const POSTCODE = /(?<!\d)\d{3}\s\d{2}(?!\d)\s+\p{Lu}[\p{Ll}\p{M}]+/gu;
/** "K." or "A. B." — but not "T.ex." (a lower-case letter follows at once). */
const INITIALS = /(?<![\p{L}\p{N}])\p{Lu}\.(?:\s?\p{Lu}\.)*(?![\p{Ll}])/gu;
const CAPITALISED_WORD = /(?<![\p{L}\p{M}\p{N}_@'’-])\p{Lu}[\p{Ll}\p{M}]+(?:-\p{Lu}?[\p{Ll}\p{M}]+)*(?![\p{L}\p{M}\p{N}_@])/gu;
/**
 * Words after which a capitalised word is a name whatever the datasets say; a family is named by its surname
 * ("familjen Qvarnqvist", "hos familj Ali", "makarna Lind"), which no dataset need know.
 */
const NAME_CUE = /(?<![\p{L}])(?:heter|hette|kallas|deltagaren|deltagare|klienten|brukaren|patienten|sökanden|personen|herr|fru|familjen|familj|makarna)\s*:?\s*$/iu;
/** Between a cued name and the next capitalised word of the same name ("familjen Qvarnqvist Lind", "makarna Lind och Ali"). */
const NAME_CONTINUES = /^(?:\s+|\s*-\s*|\s+och\s+)$/u;
const SENTENCE_END = /(?:^|[.!?:;…\n•]["'”»)\]]?\s*)$/u;

function digitCount(text: string): number {
  let count = 0;
  for (const char of text) if (char >= '0' && char <= '9') count++;
  return count;
}

/** Replaces every match and counts how many there were. */
function replaceAll(state: AnonymisedText, pattern: RegExp, replacement: string | ((match: string) => string | null)): AnonymisedText {
  let replacements = state.replacements;
  const text = state.text.replace(pattern, (match: string) => {
    const next = typeof replacement === 'string' ? replacement : replacement(match);
    if (next === null) return match;
    replacements++;
    return next;
  });
  return { text, replacements };
}

function isPossibleName(word: string, sentenceInitial: boolean, cued: boolean, keepWords: ReadonlySet<string>): boolean {
  const lower = word.toLowerCase();
  if (keepWords.has(lower)) return false;
  const ambiguous = AMBIGUOUS_FIRST_NAMES.has(lower);
  // "Hans" mid-sentence is a name; "Hans" opening a sentence is as likely the pronoun.
  if (ambiguous) return !sentenceInitial;
  if (NAME_STOPWORDS.has(lower) || ORGANISATION_SUFFIX_PATTERN.test(lower)) return false;
  if (cued) return true;
  const lexicon = getNameLexicon();
  let flags = 0;
  for (const part of word.split('-')) flags |= lexicon.flags(nameKey(part));
  if (flags === 0 && word.length > 3 && word.endsWith('s')) flags = lexicon.flags(nameKey(word.slice(0, -1)));
  // A capital opening a sentence says nothing, so only a known first name counts there.
  return sentenceInitial ? (flags & NAME_IS_FIRST) !== 0 : (flags & (NAME_IS_FIRST | NAME_IS_SURNAME)) !== 0;
}

function maskLoneNames(state: AnonymisedText, keepWords: ReadonlySet<string>): AnonymisedText {
  let replacements = state.replacements;
  // Where the last name masked by a cue ended: a capitalised word right after it is the same name going on.
  let cuedNameEnd = -1;
  const text = state.text.replace(CAPITALISED_WORD, (word: string, offset: number, whole: string) => {
    const before = whole.slice(Math.max(0, offset - 30), offset);
    const sentenceInitial = SENTENCE_END.test(before);
    const cued = NAME_CUE.test(before) || (cuedNameEnd >= 0 && NAME_CONTINUES.test(whole.slice(cuedNameEnd, offset)));
    if (!isPossibleName(word, sentenceInitial, cued, keepWords)) return word;
    cuedNameEnd = cued ? offset + word.length : -1;
    replacements++;
    return REMOVED.name;
  });
  return { text, replacements };
}

/** Runs the shared masker, then removes what only might identify someone. */
export function anonymiseExcerpt(raw: string, options: AnonymiseOptions = {}): AnonymisedText {
  const keepWords = options.keepWords ?? new Set<string>();
  const collapsed = raw.replace(/\s+/g, ' ').trim();
  const masked = maskPii(collapsed);
  let state: AnonymisedText = { text: masked.text, replacements: Object.values(masked.counts).reduce((sum, n) => sum + n, 0) };
  state = replaceAll(state, STREET, REMOVED.address);
  state = replaceAll(state, POSTCODE, REMOVED.address);
  state = replaceAll(state, AGE, (match) => (/^född/i.test(match) ? `född ${REMOVED.age}` : REMOVED.age));
  state = replaceAll(state, ISO_DATE, REMOVED.date);
  state = replaceAll(state, DAY_MONTH, REMOVED.date);
  state = replaceAll(state, SHORT_DATE, REMOVED.date);
  state = replaceAll(state, DIGIT_RUN, (match) => (digitCount(match) >= 6 ? REMOVED.number : null));
  state = replaceAll(state, INITIALS, REMOVED.initials);
  state = maskLoneNames(state, keepWords);
  return state;
}

/** A masked value: "[telefonnummer borttaget]", "[e-postadress borttagen]", "[initialer borttagna]". */
const PLACEHOLDER = String.raw`\[[^\[\]]*bortt\p{L}*\]`;
/** A label and what it labelled, all of it masked: "tel: [telefonnummer borttaget]", "Namn/tel: [namn borttaget] / [telefonnummer borttaget]". */
const LABELLED = String.raw`\p{L}[\p{L}\p{N}/-]*(?:\s+[\p{L}\p{N}/-]+)?\s*:\s*${PLACEHOLDER}(?:\s*(?:[,/&]|och|eller)?\s*${PLACEHOLDER})*`;

/**
 * "Personnr: [personnummer borttaget]. " or "Namn: [namn borttaget], tel: [telefonnummer borttaget]. " at the
 * start of a text: a label left bare by the masking says nothing in a letter but that something was there.
 */
const LEADING_LABELLED = new RegExp(String.raw`^(?:${LABELLED}\s*[.,;]?\s*)+`, 'u');
/** "(tel: [telefonnummer borttaget])". */
const BRACKETED_LABELLED = new RegExp(String.raw`\s*\(\s*${LABELLED}\s*\)`, 'gu');
/**
 * ", mejladress: [e-postadress borttagen]" or "och tel: […]" within a sentence, where the clause ends with it (what
 * follows is punctuation, the end or a conjunction): dropped with the comma or conjunction that led to it.
 */
const CLAUSE_LABELLED = new RegExp(
  String.raw`(?:\s*[,;]\s*|\s+[–—-]\s+|\s+(?:och|samt|eller)\s+)${LABELLED}(?=\s*(?:[.,;:!?)]|$)|\s+(?:och|men|samt|eller)\s)`,
  'gu',
);
/** "Mejladress: [e-postadress borttagen]." opening a later sentence, ended by punctuation: dropped; what follows opens the sentence. */
const SENTENCE_LABELLED = new RegExp(String.raw`(?<=[.!?]\s+)${LABELLED}\s*(?:[.,;:!?](?:\s+|$)|$)(\p{Ll})?`, 'gu');

/**
 * The text without a label whose value was masked ("Mejladress: [e-postadress borttagen]", "tel: [telefonnummer
 * borttaget]"), wherever it stands, and the punctuation that went with it, so that the sentence around it still reads.
 * A placeholder without a label, or a label with words after the placeholder, stays.
 */
export function dropRemovedLabels(text: string): string {
  const withoutLeading = text.replace(LEADING_LABELLED, '');
  // What followed a dropped label at the start now opens the text ("Tel: […], ring efter lunch.").
  const opened = withoutLeading === text ? text : withoutLeading.charAt(0).toUpperCase() + withoutLeading.slice(1);
  const dropped = opened
    .replace(BRACKETED_LABELLED, '')
    .replace(CLAUSE_LABELLED, '')
    .replace(SENTENCE_LABELLED, (_match: string, next: string | undefined) => (next ?? '').toUpperCase());
  return dropped === text ? text : dropped.replace(/\s{2,}/g, ' ').trim();
}

/**
 * At most `max` characters: whole sentences when they fit, else cut at a word with "…".
 * Never cuts inside a "[… borttaget]" placeholder.
 */
export function shortenExcerpt(text: string, max = 200): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  const head = trimmed.slice(0, max);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('! '), head.lastIndexOf('? '));
  if (sentenceEnd >= max * 0.4) return head.slice(0, sentenceEnd + 1);
  let cut = head.slice(0, max - 1);
  const open = cut.lastIndexOf('[');
  if (open > cut.lastIndexOf(']')) cut = cut.slice(0, open);
  const space = cut.lastIndexOf(' ');
  if (space > max * 0.4) cut = cut.slice(0, space);
  return `${cut.replace(/[\s,;:–-]+$/u, '')}…`;
}
