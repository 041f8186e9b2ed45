import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Special-category personal data (GDPR art. 9) in the short quotes a letter takes from reports: health above
 * all ("svår social ångest", diagnoses, missbruk, medication, pregnancy), and ethnic origin, religion, sexual
 * orientation and union membership. A quote is printed with its kommun and quarter, so in a small kommun such
 * a word can point to a person. The words are in special-category.sv.txt (its header describes the format);
 * this finds them and replaces each with its line's placeholder. Pure once the vocabulary is parsed.
 */

export interface SpecialCategoryGroup {
  /** What replaces a found term, brackets included: "[hälsouppgift borttagen]". */
  placeholder: string;
  terms: string[];
}

export interface SpecialCategoryVocabulary {
  groups: SpecialCategoryGroup[];
  /** Words of degree ("svår", "misstänkt") removed with a term they stand right before. */
  degreeWords: string[];
  /** Nouns ("sjukdom", "diagnos") removed with a term they stand right after: "bipolär sjukdom". */
  followingWords: string[];
  /**
   * Lower-case words that contain a term but are not such data ("psykosocial"); a word starting with one is left alone.
   * An exception of several words ("psykisk arbetsmiljö") leaves the term alone where those words follow it.
   */
  exceptions: string[];
}

export interface SpecialCategoryFinding {
  /** 0-based, end exclusive. */
  start: number;
  end: number;
  placeholder: string;
}

export interface SpecialCategoryMasked {
  text: string;
  replacements: number;
}

export interface SpecialCategoryDetector {
  /** Every placeholder the vocabulary can put in a text. */
  readonly placeholders: readonly string[];
  find(text: string): SpecialCategoryFinding[];
  mask(text: string): SpecialCategoryMasked;
}

const LINE = /^(\[[^\]]+\])\s*:\s*(.*)$/u;
/** How far past a term's start an exception is read: the longest exception of several words fits. */
const EXCEPTION_READ = 60;
/** A term of this many letters is also found at the end or inside a compound (panikångest, alkoholmissbruket). */
const INFIX_MIN_LETTERS = 6;
const WORD_CHAR = '[\\p{L}\\p{N}]';
/** The rest of a word after a term: endings, compounds and hyphenated parts ("ADHD-utredningen"). */
const WORD_TAIL = `${WORD_CHAR}*(?:-${WORD_CHAR}+)*`;

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The vocabulary of a special-category.sv.txt text. Unknown lines are ignored, as the thesaurus does. */
export function parseSpecialCategoryTerms(text: string): SpecialCategoryVocabulary {
  const groups: SpecialCategoryGroup[] = [];
  const degreeWords: string[] = [];
  const followingWords: string[] = [];
  const exceptions: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('+')) {
      degreeWords.push(...splitList(line.slice(1)).map((word) => word.toLocaleLowerCase('sv')));
      continue;
    }
    if (line.startsWith('>')) {
      followingWords.push(...splitList(line.slice(1)).map((word) => word.toLocaleLowerCase('sv')));
      continue;
    }
    if (line.startsWith('!')) {
      exceptions.push(...splitList(line.slice(1)).map((word) => word.toLocaleLowerCase('sv').replace(/\s+/gu, ' ')));
      continue;
    }
    const match = LINE.exec(line);
    if (!match) continue;
    const terms = splitList(match[2]);
    const existing = groups.find((group) => group.placeholder === match[1]);
    if (existing) existing.terms.push(...terms);
    else groups.push({ placeholder: match[1], terms });
  }
  return { groups, degreeWords, followingWords, exceptions };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** ADHD, PTSD, LO: written only in capitals, so found only in capitals. */
function isCapitalsOnly(term: string): boolean {
  return /\p{L}/u.test(term) && !/\p{Ll}/u.test(term);
}

function letterCount(term: string): number {
  return term.match(/\p{L}/gu)?.length ?? 0;
}

const byLengthDescending = (a: string, b: string): number => b.length - a.length;

/** One group's terms as a pattern that starts at a word's start and takes the whole word(s). */
function groupPattern(terms: readonly string[]): string | null {
  const exact: string[] = [];
  const prefix: string[] = [];
  const infix: string[] = [];
  for (const term of terms) {
    const quoted = /^"(.+)"$/u.exec(term);
    if (quoted) {
      exact.push(quoted[1].split(/\s+/u).map(escapeRegExp).join('\\s+'));
      continue;
    }
    const words = term.split(/\s+/u);
    if (words.length > 1) {
      // Every word may take an ending: "sociala ångesten".
      prefix.push(`${words.slice(0, -1).map((word) => `${escapeRegExp(word)}\\p{L}*`).join('\\s+')}\\s+${escapeRegExp(words[words.length - 1])}`);
    } else if (letterCount(term) >= INFIX_MIN_LETTERS) {
      infix.push(escapeRegExp(term));
    } else {
      prefix.push(escapeRegExp(term));
    }
  }
  const parts: string[] = [];
  if (exact.length) parts.push(`(?:${exact.sort(byLengthDescending).join('|')})(?!${WORD_CHAR})`);
  if (prefix.length) parts.push(`(?:${prefix.sort(byLengthDescending).join('|')})${WORD_TAIL}`);
  if (infix.length) parts.push(`[\\p{L}\\p{N}-]*?(?:${infix.sort(byLengthDescending).join('|')})${WORD_TAIL}`);
  return parts.length ? parts.join('|') : null;
}

interface CompiledPass {
  pattern: RegExp;
  /** Placeholder of each capturing group, in order. */
  placeholders: string[];
}

/** "svår ", "Svår ": optional degree words before a term, read in lower case or capitalised even where case counts. */
function degreePattern(words: readonly string[]): string {
  if (words.length === 0) return '';
  const forms = new Set(words.flatMap((word) => [word, word.charAt(0).toLocaleUpperCase('sv') + word.slice(1)]));
  return `(?:(?:${[...forms].sort(byLengthDescending).map(escapeRegExp).join('|')})\\s+)?`;
}

function compilePass(vocabulary: SpecialCategoryVocabulary, capitals: boolean): CompiledPass | null {
  const alternatives: string[] = [];
  const placeholders: string[] = [];
  for (const group of vocabulary.groups) {
    const pattern = groupPattern(group.terms.filter((term) => isCapitalsOnly(term.replace(/^"|"$/gu, '')) === capitals));
    if (pattern === null) continue;
    alternatives.push(`(${pattern})`);
    placeholders.push(group.placeholder);
  }
  if (alternatives.length === 0) return null;
  const following = vocabulary.followingWords.length
    ? `(?:\\s+(?:${[...vocabulary.followingWords].sort(byLengthDescending).map(escapeRegExp).join('|')})(?!${WORD_CHAR}))?`
    : '';
  const source = `(?<!${WORD_CHAR})(?<degree>${degreePattern(vocabulary.degreeWords)})(?:${alternatives.join('|')})${following}`;
  return { pattern: new RegExp(source, capitals ? 'gu' : 'giu'), placeholders };
}

/** A detector for a vocabulary: two passes, one for terms in capitals (case as written) and one for the rest. */
export function compileSpecialCategoryDetector(vocabulary: SpecialCategoryVocabulary): SpecialCategoryDetector {
  const passes = [compilePass(vocabulary, true), compilePass(vocabulary, false)].filter((pass): pass is CompiledPass => pass !== null);
  const exceptions = vocabulary.exceptions;
  const find = (text: string): SpecialCategoryFinding[] => {
    const found: SpecialCategoryFinding[] = [];
    // Placeholders already in the text ("[uppgift om religion borttagen]", "[namn borttaget]") are not read again.
    const bracketed = text.includes('[') ? [...text.matchAll(/\[[^\]]*\]/gu)].map((m) => [m.index ?? 0, (m.index ?? 0) + m[0].length] as const) : [];
    for (const pass of passes) {
      for (const match of text.matchAll(pass.pattern)) {
        const start = match.index ?? 0;
        if (bracketed.some(([from, to]) => start < to && start + match[0].length > from)) continue;
        // Read from the term on, a little past the match, so that an exception of several words sees the words after it.
        const from = start + (match.groups?.degree?.length ?? 0);
        const reading = text.slice(from, Math.max(start + match[0].length, from + EXCEPTION_READ)).toLocaleLowerCase('sv').replace(/\s+/gu, ' ');
        if (exceptions.some((exception) => reading.startsWith(exception))) continue;
        // Group 1 is the degree words; the term groups follow in the order of their placeholders.
        const index = match.slice(2).findIndex((group) => group !== undefined);
        if (index < 0) continue;
        found.push({ start, end: start + match[0].length, placeholder: pass.placeholders[index] });
      }
    }
    // The two passes can find the same place ("ADHD" as written and as "adhd"): the first and longest wins.
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: SpecialCategoryFinding[] = [];
    for (const finding of found) {
      const last = kept[kept.length - 1];
      if (last && finding.start < last.end) continue;
      // "troende muslim", "medicinen Concerta": one placeholder, not two in a row.
      if (last && last.placeholder === finding.placeholder && /^\s+$/u.test(text.slice(last.end, finding.start))) last.end = finding.end;
      else kept.push({ ...finding });
    }
    return kept;
  };
  return {
    placeholders: [...new Set(vocabulary.groups.map((group) => group.placeholder))],
    find,
    mask(text: string): SpecialCategoryMasked {
      const findings = find(text);
      if (findings.length === 0) return { text, replacements: 0 };
      let result = '';
      let at = 0;
      for (const finding of findings) {
        result += text.slice(at, finding.start) + finding.placeholder;
        at = finding.end;
      }
      return { text: result + text.slice(at), replacements: findings.length };
    },
  };
}

/** The word list beside the compiled code, or in src/ when a build did not copy it (as the thesaurus). */
export function specialCategoryTermsPath(): string {
  const candidates = [join(__dirname, 'special-category.sv.txt'), resolve(process.cwd(), 'src', 'modules', 'letter', 'special-category.sv.txt')];
  return candidates.find((path) => existsSync(path)) ?? candidates[0];
}

let defaultDetector: SpecialCategoryDetector | null = null;

/** The detector for the shipped word list, read once. */
export function defaultSpecialCategoryDetector(): SpecialCategoryDetector {
  defaultDetector ??= compileSpecialCategoryDetector(parseSpecialCategoryTerms(readFileSync(specialCategoryTermsPath(), 'utf8')));
  return defaultDetector;
}
