import { getNameLexicon, nameKey, NAME_IN_ANY, NAME_IS_FIRST, NAME_IS_SURNAME, type NameLexicon } from './name-lexicon';
import { AMBIGUOUS_FIRST_NAMES, NAME_STOPWORDS, ORGANISATION_SUFFIX_PATTERN } from './name-stoplist';
import { createFinding, type PiiFinding } from './pii-finding';

/**
 * A capitalised word that could be part of a name: "Karin", "Anna-Karin", "O'Brien",
 * "McDonald", "al-Hassan", "Ilić". All-caps words (AF, FK, MIA) never match.
 */
const NAME_TOKEN_PATTERN =
  /(?<![\p{L}\p{M}\p{N}_@/'’-])(?:(?:al|el|ad|ar|as|at|an|ash|abd|abu|bin|ibn|ben|ul|ud|de|di|da|du|van|von|del|della|le|la|mac|mc|o|d)['’-])?(?:\p{Lu}['’])?\p{Lu}[\p{Ll}\p{M}]+(?:\p{Lu}[\p{Ll}\p{M}]+)?(?:[-'’]\p{L}[\p{Ll}\p{M}]+)*(?![\p{L}\p{M}\p{N}_@])/gu;

/** What may stand between two parts of one name: a space, or a lower-case particle. */
const NAME_GAP_PATTERN =
  /^[ \u00a0](?:(?:van|von|der|den|de|da|das|dos|do|di|del|della|la|le|bin|ibn|bint|al|el|af|ben|abu|zu|ter|ten|y)[ \u00a0](?:(?:der|den|la|de)[ \u00a0])?)?$/u;

const NAME_PART_SPLIT_PATTERN = /[-'’]/;

/** Particles written joined to a name ("Al-Rashid", "el-Amin"); not looked up themselves. */
const JOINED_PARTICLES: ReadonlySet<string> = new Set([
  'Al', 'El', 'Ad', 'Ar', 'As', 'At', 'An', 'Ash', 'Abd', 'Abu', 'Bin', 'Ibn', 'Ben', 'Ul', 'Ud', 'De', 'Di', 'Da', 'Du',
  'Van', 'Von', 'Del', 'Della', 'Le', 'La', 'Mac', 'Mc', 'O', 'D',
]);

/** Swedish and foreign surname endings ("Lindqvist", "Brännström", "Hodžić", "Kowalski"). */
const SURNAME_SHAPE_PATTERN =
  /(?:sson|qvist|kvist|quist|strom|gren|berg|lund|holm|dahl|stedt|blad|borg|fors|ic|vic|ski|ska|sky|wicz|enko|chuk|yan|oglu|zadeh|pour|nejad|escu|opoulos|idis|akis|ovski|ova|eva|ov|ev)$/;

/** Words just before a name that say a person is being named. */
const NAME_CUE_PATTERN =
  /(?<!\p{L})(?:heter|hette|namn|namnet|kallas|kallad|herr|fru|hr|deltagaren|deltagare|dlt|klienten|brukaren|patienten|sökanden|personen)\s*:?\s*$/iu;

/** Characters that may stand between a sentence boundary and the word that opens it. */
const OPENING_PUNCTUATION = new Set([' ', '\u00a0', '\t', '"', "'", '“', '”', '„', '«', '»', '(', '[']);
const SENTENCE_BOUNDARIES = new Set(['.', '!', '?', ':', ';', '…', '\n', '\r', '•']);

const SWEDISH_LETTERS_PATTERN = /[åäöÅÄÖ]/;

/** Longer runs of capitalised words are headings or organisation names, not a person. */
const MAX_NAME_TOKENS = 5;

interface NameToken {
  readonly start: number;
  readonly end: number;
  /** Some dataset knows every part of the word as a name. */
  readonly known: boolean;
  /** A dataset of first names knows it with its own spelling (faker's per-locale lists). */
  readonly firstName: boolean;
  /** Written with å, ä or ö, which the ASCII dataset only matches after folding ("Gäller" → "Galler"). */
  readonly swedishLetters: boolean;
  readonly surnameLike: boolean;
  readonly stopword: boolean;
  readonly ambiguousFirstName: boolean;
  readonly sentenceInitial: boolean;
}

function opensSentence(text: string, start: number): boolean {
  let i = start - 1;
  while (i >= 0 && OPENING_PUNCTUATION.has(text.charAt(i))) i--;
  return i < 0 || SENTENCE_BOUNDARIES.has(text.charAt(i));
}

/** Flags shared by every part of the word, with the Swedish genitive -s tried away. */
function lookupWord(word: string, lexicon: NameLexicon): number {
  let combined = -1;
  for (const part of word.split(NAME_PART_SPLIT_PATTERN)) {
    if (part.length === 0) continue;
    const key = nameKey(part);
    if (JOINED_PARTICLES.has(key) && combined === -1 && word.length > part.length) continue;
    let flags = lexicon.flags(key);
    if (flags === 0 && key.length > 3 && key.endsWith('s')) flags = lexicon.flags(key.slice(0, -1));
    combined = combined === -1 ? flags : combined & flags;
    if (combined === 0) return 0;
  }
  return combined === -1 ? 0 : combined;
}

function readToken(text: string, start: number, end: number, lexicon: NameLexicon): NameToken {
  const word = text.slice(start, end);
  const lower = word.toLowerCase();
  const stopword = NAME_STOPWORDS.has(lower) || ORGANISATION_SUFFIX_PATTERN.test(lower);
  const flags = stopword && !AMBIGUOUS_FIRST_NAMES.has(lower) ? 0 : lookupWord(word, lexicon);
  const folded = nameKey(word).toLowerCase();
  return {
    start,
    end,
    known: (flags & NAME_IN_ANY) !== 0,
    firstName: (flags & NAME_IS_FIRST) !== 0,
    swedishLetters: SWEDISH_LETTERS_PATTERN.test(word),
    surnameLike: (flags & NAME_IS_SURNAME) !== 0 || SURNAME_SHAPE_PATTERN.test(folded),
    stopword,
    ambiguousFirstName: AMBIGUOUS_FIRST_NAMES.has(lower),
    sentenceInitial: opensSentence(text, start),
  };
}

/** Whether a name can begin with `first`, given the word after it. */
function canOpenName(first: NameToken, second: NameToken, cued: boolean): boolean {
  const secondNameLike = second.known || second.surnameLike;
  if (first.ambiguousFirstName) return first.known && secondNameLike;
  if (cued) return true;
  // A capitalised word opening a sentence is usually an ordinary word: demand two known names,
  // and a first-name list for Swedish spellings, which the ASCII dataset only matches folded.
  if (first.sentenceInitial) return first.known && (first.firstName || !first.swedishLetters) && secondNameLike;
  // Mid-sentence capitals are proper nouns: one known part suffices ("Dragana Ilić").
  return first.known || secondNameLike;
}

function judgeRun(text: string, run: NameToken[], findings: PiiFinding[]): void {
  let from = 0;
  while (run.length - from >= 2) {
    const first = run[from];
    const second = run[from + 1];
    if (first === undefined || second === undefined) return;
    const cued = NAME_CUE_PATTERN.test(text.slice(Math.max(0, first.start - 25), first.start));
    if (canOpenName(first, second, cued)) break;
    from++;
  }
  const length = run.length - from;
  if (length < 2 || length > MAX_NAME_TOKENS) return;
  const first = run[from];
  const last = run[run.length - 1];
  if (first !== undefined && last !== undefined) findings.push(createFinding('namn', first.start, last.end));
}

/**
 * Full names: two to five adjacent capitalised words, judged with name datasets, a stoplist
 * and the position in the sentence. A lone first name is not reported.
 */
export function findPersonNames(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  let lexicon: NameLexicon | undefined;
  let run: NameToken[] = [];
  let previousEnd = -1;
  for (const match of text.matchAll(NAME_TOKEN_PATTERN)) {
    lexicon ??= getNameLexicon();
    const token = readToken(text, match.index, match.index + match[0].length, lexicon);
    const adjacent = previousEnd >= 0 && NAME_GAP_PATTERN.test(text.slice(previousEnd, token.start));
    previousEnd = token.end;
    if (!adjacent || token.stopword) {
      judgeRun(text, run, findings);
      run = [];
    }
    // A stopword ends a run; one that is also a first name ("Per", "Hans") may start the next.
    if (!token.stopword || token.ambiguousFirstName) run.push(token);
    else previousEnd = -1;
  }
  judgeRun(text, run, findings);
  return findings;
}
