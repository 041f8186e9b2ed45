import { readFileSync } from 'node:fs';

/** Bit flags: which datasets know a name. */
export const NAME_IN_ANY = 1;
export const NAME_IS_FIRST = 2;
export const NAME_IS_SURNAME = 4;

export interface NameLexicon {
  /** Flags for a key made by {@link nameKey}, 0 when no dataset knows it. */
  flags(key: string): number;
  readonly size: number;
}

/** Letters that Unicode decomposition does not reduce to ASCII. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ı: 'i', ł: 'l', Ł: 'L', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', æ: 'ae', Æ: 'Ae', œ: 'oe', Œ: 'Oe', ß: 'ss', þ: 'th', ð: 'd',
};
const NON_ASCII_PATTERN = /[^\x00-\x7f]/;
const COMBINING_MARKS_PATTERN = /\p{M}/gu;
const SPECIAL_LETTERS_PATTERN = /[ıłŁøØđĐæÆœŒßþð]/g;
const LATIN_NAME_PATTERN = /^[\p{Script=Latin}\p{M}'’]+$/u;
const NAME_PART_SEPARATOR_PATTERN = /[\s-]+/;

/**
 * Lookup key of one name part: diacritics folded (the main dataset is ASCII: "Ilić" is stored
 * as "Ilic", "Öberg" as "Oberg") and case as the datasets spell names ("Mcdonald").
 */
export function nameKey(part: string): string {
  let folded = part;
  if (NON_ASCII_PATTERN.test(part)) {
    folded = part
      .normalize('NFD')
      .replace(COMBINING_MARKS_PATTERN, '')
      .replace(SPECIAL_LETTERS_PATTERN, (c) => SPECIAL_LETTERS[c] ?? c)
      .replace(/’/g, "'");
  }
  return folded.charAt(0).toUpperCase() + folded.slice(1).toLowerCase();
}

class MapNameLexicon implements NameLexicon {
  constructor(private readonly entries: ReadonlyMap<string, number>) {}

  flags(key: string): number {
    return this.entries.get(key) ?? 0;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Every string in a faker locale entry, whether it is a list or an object of lists. */
function collectStrings(value: unknown, into: string[]): void {
  if (typeof value === 'string') into.push(value);
  else if (Array.isArray(value)) for (const item of value) collectStrings(item, into);
  else if (value !== null && typeof value === 'object') for (const item of Object.values(value)) collectStrings(item, into);
}

function addNames(entries: Map<string, number>, names: readonly string[], flag: number): void {
  for (const name of names) {
    for (const part of name.split(NAME_PART_SEPARATOR_PATTERN)) {
      if (part.length < 2 || !LATIN_NAME_PATTERN.test(part)) continue;
      const key = nameKey(part);
      entries.set(key, (entries.get(key) ?? 0) | flag);
    }
  }
}

function buildLexicon(): NameLexicon {
  const entries = new Map<string, number>();
  // humannames: ~197 000 first names and surnames of many origins (census and social-media
  // data), one per line, already spelled "Xxxx" in ASCII.
  const humanNames = readFileSync(require.resolve('humannames/list.txt'), 'utf8');
  for (const line of humanNames.split('\n')) {
    const name = line.trim();
    if (name.length >= 2) entries.set(name, NAME_IN_ANY);
  }
  // faker's locale data tells first names from surnames, with the right diacritics, for ~60
  // locales (Swedish, Nordic, Balkan, Turkish, Vietnamese, African, …). Loaded here, on first
  // use, so a process that never checks text never pays for it.
  const faker = require('@faker-js/faker') as typeof import('@faker-js/faker');
  for (const locale of Object.values(faker.allLocales)) {
    const person: unknown = locale.person;
    if (person === null || typeof person !== 'object') continue;
    const firsts: string[] = [];
    const surnames: string[] = [];
    collectStrings((person as Record<string, unknown>)['first_name'], firsts);
    collectStrings((person as Record<string, unknown>)['middle_name'], firsts);
    collectStrings((person as Record<string, unknown>)['last_name'], surnames);
    addNames(entries, firsts, NAME_IN_ANY | NAME_IS_FIRST);
    addNames(entries, surnames, NAME_IN_ANY | NAME_IS_SURNAME);
  }
  return new MapNameLexicon(entries);
}

let lexicon: NameLexicon | undefined;

/** The name datasets, read once on first use (about 0.3 s and 25 MB). */
export function getNameLexicon(): NameLexicon {
  lexicon ??= buildLexicon();
  return lexicon;
}
