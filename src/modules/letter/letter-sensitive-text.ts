import { LETTER_SECTION_HEADINGS, LetterTextField } from './letter.constants';
import { swedishList } from '../../common/text/swedish-list';
import { defaultSpecialCategoryDetector, SpecialCategoryDetector } from './special-category';

/**
 * Special-category words (GDPR art. 9: health, religion …) in the text the analyst wrote or kept: the sections, the
 * subject line and a barrier name carried into them, and the recipient's answer as recorded. Quotes have such words replaced when drafted, but the analyst's
 * own words do not, and "psykisk ohälsa" in general terms is legitimate, so the editor warns rather than refuses.
 */

/** Where the text is, in the editor's words (its field labels), in the order the editor shows them. */
const FIELD_LABELS: ReadonlyArray<readonly [LetterTextField, string]> = [
  ['recipient', 'Mottagare'],
  ['subject', 'Ämnesrad'],
  ...(Object.entries(LETTER_SECTION_HEADINGS) as Array<[LetterTextField, string]>),
];

/** More than this many different words in one field are summed up ("och 3 till"): the notice stays short. */
const TERMS_SHOWN = 4;

/** A field the warning can name: the letter's text, or the recipient's answer as the analyst records it. */
export type SensitiveTextFieldName = LetterTextField | 'answer';

export interface SensitiveTextField {
  field: SensitiveTextFieldName;
  label: string;
  /** The words as written, quoted and listed: "”depression” och ”ångest”". */
  terms: string;
}

export interface SensitiveTextNotice {
  /** What kind of data, plural: "hälsouppgifter och uppgifter om religion". */
  kinds: string;
  fields: SensitiveTextField[];
}

/** "[hälsouppgift borttagen]" → "hälsouppgifter"; "[uppgift om religion borttagen]" → "uppgifter om religion". */
export function kindOfPlaceholder(placeholder: string): string {
  return placeholder
    .replace(/^\[|\]$/gu, '')
    .replace(/\s+borttag(?:en|et|na)$/u, '')
    .replace(/uppgift(?=\s|$)/u, 'uppgifter');
}

/** The special-category words in the letter's text, by field; null when there are none. */
export function sensitiveTextNotice(
  texts: Readonly<Record<LetterTextField, string>>,
  detector: SpecialCategoryDetector = defaultSpecialCategoryDetector(),
): SensitiveTextNotice | null {
  return noticeOf(FIELD_LABELS, texts, detector);
}

/**
 * The special-category words of the letter's text, each field's lower-cased ("summary:depression"): what the
 * editor's warning names, to tell whether an edit adds a word the warning has not shown yet.
 */
export function sensitiveWords(
  texts: Readonly<Record<LetterTextField, string>>,
  detector: SpecialCategoryDetector = defaultSpecialCategoryDetector(),
): Set<string> {
  const words = new Set<string>();
  for (const [field] of FIELD_LABELS) {
    const text = texts[field] ?? '';
    for (const finding of detector.find(text)) words.add(`${field}:${text.slice(finding.start, finding.end).replace(/\s+/gu, ' ').toLocaleLowerCase('sv')}`);
  }
  return words;
}

/**
 * The same words in the recipient's answer. Registering the answer is final (an answered letter cannot change),
 * so the page shows this before the answer is stored, where the letter's text is warned of once stored.
 */
export function sensitiveAnswerNotice(answer: string, detector: SpecialCategoryDetector = defaultSpecialCategoryDetector()): SensitiveTextNotice | null {
  return noticeOf([['answer', 'Mottagarens svar']], { answer }, detector);
}

function noticeOf<F extends SensitiveTextFieldName>(
  labels: ReadonlyArray<readonly [F, string]>,
  texts: Readonly<Record<F, string>>,
  detector: SpecialCategoryDetector,
): SensitiveTextNotice | null {
  const placeholders = new Set<string>();
  const fields: SensitiveTextField[] = [];
  for (const [field, label] of labels) {
    const text = texts[field] ?? '';
    const words = new Map<string, string>();
    for (const finding of detector.find(text)) {
      placeholders.add(finding.placeholder);
      const word = text.slice(finding.start, finding.end).replace(/\s+/gu, ' ');
      // "Depression" and "depression" are one word to check.
      const key = word.toLocaleLowerCase('sv');
      if (!words.has(key)) words.set(key, word);
    }
    if (words.size === 0) continue;
    const quoted = [...words.values()].map((word) => `”${word}”`);
    const terms = quoted.length > TERMS_SHOWN ? `${quoted.slice(0, TERMS_SHOWN - 1).join(', ')} och ${quoted.length - TERMS_SHOWN + 1} till` : swedishList(quoted);
    fields.push({ field, label, terms });
  }
  if (fields.length === 0) return null;
  // The word list's order (health first), not the order found.
  const kinds = [...new Set(detector.placeholders.filter((placeholder) => placeholders.has(placeholder)).map(kindOfPlaceholder))];
  return { kinds: swedishList(kinds), fields };
}
