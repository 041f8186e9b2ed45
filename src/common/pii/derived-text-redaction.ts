/**
 * Personal data taken out of a report must also leave what other modules made of the report's words: a barrier's
 * generated name, terms and reasons, the pattern engine's stored model, a draft letter's quotes. Those texts hold the
 * words in another case ("qvarnqvist" as a term), with other white space (a quote is folded to one line) and one by one
 * (a term is a single word of "Anna Qvarnqvist"), so they are searched as whole words, ignoring case, not as the exact
 * string the report held.
 */

/** One text removed from a report, and the words of it that no longer stand in the reports the derived texts come from. */
export interface DerivedRedaction {
  readonly needle: string;
  readonly placeholder: string;
  /** Single words (as written or lower case) to take out of derived texts too; none means only the whole needle. */
  readonly words: readonly string[];
}

import { DEVIATION_PARTIES } from '../../modules/deviation/deviation.constants';

const WORD = /[\p{L}\p{N}]+/gu;

/**
 * The parties' codes and the words that name them. A barrier's name ends in its parties' codes ("… (FK, REGION)", see
 * barrier-naming), and terms and models key on them: they are never personal data, and a word of a removed text that
 * happens to be one ("Kofi Annan") must not take a party out of a name. Lower case.
 */
const PARTY_WORDS_LOWER: ReadonlySet<string> = new Set([
  ...DEVIATION_PARTIES.map((code) => code.toLocaleLowerCase('sv')),
  'arbetsförmedlingen', 'försäkringskassan', 'kommun', 'kommunen', 'region', 'regionen', 'stockholm',
]);
const CODES = DEVIATION_PARTIES.join('|');
/** A parenthesised list of party codes, as a generated barrier name ends: kept as it is wherever it stands. */
const PARTY_CODE_GROUP = new RegExp(`(\\((?:${CODES})(?:,\\s*(?:${CODES}))*\\))`, 'u');

/** Whether a single word is a party's code or names a party (any case). */
export function isPartyWord(word: string): boolean {
  return PARTY_WORDS_LOWER.has(word.toLocaleLowerCase('sv'));
}
const WORD_CHAR = /[\p{L}\p{N}]/u;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The words of a text (letters and digits, as the pattern engine splits them), two characters or more, each once; no party's code or name. */
export function wordsOf(text: string): string[] {
  const words: string[] = [];
  for (const word of text.match(WORD) ?? []) {
    if (word.length >= 2 && !isPartyWord(word) && !words.some((w) => w.toLocaleLowerCase('sv') === word.toLocaleLowerCase('sv'))) words.push(word);
  }
  return words;
}

/**
 * A pattern for `text` anywhere it stands as whole words: any case, any white space between its parts. Not inside a
 * longer word, where the text begins or ends with a letter or digit ("Bo" is not found in "Botkyrka").
 */
export function wholeWordsPattern(text: string): RegExp | null {
  const parts = text.trim().split(/\s+/u).filter((part) => part !== '');
  if (parts.length === 0) return null;
  const body = parts.map(escapeRegExp).join('\\s+');
  const first = parts[0];
  const last = parts[parts.length - 1];
  const before = WORD_CHAR.test(first[0]) ? '(?<![\\p{L}\\p{N}])' : '';
  const after = WORD_CHAR.test(last[last.length - 1]) ? '(?![\\p{L}\\p{N}])' : '';
  return new RegExp(`${before}${body}${after}`, 'giu');
}

function patternsOf(redaction: DerivedRedaction): RegExp[] {
  // The whole text first, so "Familjen Qvarnqvist" becomes one placeholder rather than two.
  return [redaction.needle, ...redaction.words].map(wholeWordsPattern).filter((p): p is RegExp => p !== null);
}

/** The text with every redaction's text, and each of its words, replaced by its placeholder. */
export function scrubDerivedText(text: string, redactions: readonly DerivedRedaction[]): string {
  // A group of party codes ("(FK, REGION)") is kept apart: split() with a capturing group puts them at odd indexes.
  return text
    .split(PARTY_CODE_GROUP)
    .map((part, index) => {
      if (index % 2 === 1) return part;
      let result = part;
      for (const redaction of redactions) {
        for (const pattern of patternsOf(redaction)) result = result.replace(pattern, redaction.placeholder);
      }
      return result;
    })
    .join('');
}

/** Whether a derived text holds any redaction's text or one of its words. */
export function holdsDerived(text: string, redactions: readonly DerivedRedaction[]): boolean {
  return scrubDerivedText(text, redactions) !== text;
}

/** Every string value in a JSON value scrubbed (keys and shape kept), as scrubDerivedText. */
export function scrubDerivedJson(value: unknown, redactions: readonly DerivedRedaction[]): unknown {
  if (typeof value === 'string') return scrubDerivedText(value, redactions);
  if (Array.isArray(value)) return value.map((item) => scrubDerivedJson(item, redactions));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, scrubDerivedJson(item, redactions)]));
  }
  return value;
}

/**
 * Case variants of a text as it may be written (as given, lower case, capitalised, upper case), for finding candidate
 * rows with strpos in SQL before the exact whole-word test: Postgres's lower() ignores å, ä and ö under some locales.
 */
export function caseVariants(text: string): string[] {
  const lower = text.toLocaleLowerCase('sv');
  const variants = [text, lower, lower.charAt(0).toLocaleUpperCase('sv') + lower.slice(1), text.toLocaleUpperCase('sv')];
  return [...new Set(variants)];
}

/** The search strings for SQL candidates of all redactions: each needle's first word and each word, in their case variants. */
export function candidateStrings(redactions: readonly DerivedRedaction[]): string[] {
  const strings = new Set<string>();
  for (const redaction of redactions) {
    const first = redaction.needle.trim().split(/\s+/u)[0] ?? '';
    for (const text of [first, ...redaction.words]) if (text !== '') for (const variant of caseVariants(text)) strings.add(variant);
  }
  return [...strings];
}
