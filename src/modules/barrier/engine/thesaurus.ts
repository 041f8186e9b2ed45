import { isPartyCode, PartyCode } from './engine-types';
import { stemSwedish } from './swedish-stemmer';
import { maskPlaceholderIn, tokenize } from './text-normalizer';

/** A concept of the field: several ways of writing the same thing. */
export interface ThesaurusConcept {
  /** Stable key, the lower-cased display label. */
  key: string;
  /** How the concept is shown to the analyst. */
  label: string;
  /** The party that mentioning the concept implies, if any. */
  party?: PartyCode;
  /** Keys of broader concepts (sjukpenning > ersättning), so related words still meet. */
  broader: string[];
}

/** One element of a variant: matched on the stem, or on the exact capitalised form. */
interface VariantElement {
  caseSensitive: boolean;
  value: string;
}

interface CompiledVariant {
  elements: VariantElement[];
  /** Concept key, or null for a generic phrase that is dropped. */
  conceptKey: string | null;
}

/** A parsed thesaurus: concepts, variants indexed by their first element, generic words. */
export interface Thesaurus {
  concepts: ReadonlyMap<string, ThesaurusConcept>;
  /** Variants keyed by the stem of their first word, longest first. */
  variantsByStem: ReadonlyMap<string, readonly CompiledVariant[]>;
  /** Variants keyed by the exact (capitalised) form of their first word, longest first. */
  variantsByRaw: ReadonlyMap<string, readonly CompiledVariant[]>;
  /** Lower-case surface words and stems that appear in any variant (used as known vocabulary). */
  knownWords: ReadonlySet<string>;
  knownStems: ReadonlySet<string>;
  /** Lower-case phrases saying a problem was settled locally (`=` lines; see settled-locally.ts). */
  settledPhrases: readonly string[];
}

/** Where a thesaurus match was found in a token sequence. */
export interface ThesaurusMatch {
  start: number;
  length: number;
  conceptKey: string | null;
}

const PARTY_SUFFIX = /^(.*?)\s*\[([A-ZÅÄÖ]+)\]\s*$/u;

/** The broader concepts of a concept, transitively, nearest first (cycles are ignored). */
export function broaderConcepts(thesaurus: Thesaurus, key: string): string[] {
  const out: string[] = [];
  const queue = [...(thesaurus.concepts.get(key)?.broader ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() as string;
    if (next === key || out.includes(next)) continue;
    out.push(next);
    queue.push(...(thesaurus.concepts.get(next)?.broader ?? []));
  }
  return out;
}

function isAllCaps(word: string): boolean {
  return word === word.toUpperCase() && word !== word.toLowerCase();
}

function compileVariant(text: string): VariantElement[] {
  return tokenize(text).map((token) =>
    isAllCaps(token.raw) ? { caseSensitive: true, value: token.raw } : { caseSensitive: false, value: stemSwedish(token.lower) },
  );
}

function elementKey(element: VariantElement): string {
  return (element.caseSensitive ? 'r:' : 's:') + element.value;
}

// The last text parsed and its result: every pattern run parses the same thesaurus again, and the parsed
// form is never changed, so incremental runs (and what is cached per thesaurus object) reuse it.
let lastParsed: { text: string; thesaurus: Thesaurus } | null = null;

/**
 * Parses the thesaurus text (default file plus analyst lines). Later lines win when the same
 * variant is listed twice, so an analyst can move a word to another concept.
 */
export function parseThesaurus(text: string, extraLines: readonly string[] = []): Thesaurus {
  if (extraLines.length > 0) return parseThesaurusText(text, extraLines);
  if (lastParsed?.text !== text) lastParsed = { text, thesaurus: parseThesaurusText(text, extraLines) };
  return lastParsed.thesaurus;
}

function parseThesaurusText(text: string, extraLines: readonly string[]): Thesaurus {
  const concepts = new Map<string, ThesaurusConcept>();
  // variant signature -> { elements, conceptKey }; a Map keeps the last assignment.
  const variants = new Map<string, CompiledVariant>();
  const knownWords = new Set<string>();
  const knownStems = new Set<string>();
  const settled = new Set<string>();

  const addVariant = (variantText: string, conceptKey: string | null): void => {
    // A variant or phrase holding a placeholder was written around a removed personal detail (lines
    // saved before placeholders were refused): it names no wording a report has, so it is left out.
    if (maskPlaceholderIn(variantText) !== null) return;
    const elements = compileVariant(variantText);
    if (elements.length === 0) return;
    for (const token of tokenize(variantText)) {
      knownWords.add(token.lower);
      knownStems.add(stemSwedish(token.lower));
    }
    const signature = elements.map(elementKey).join(' ');
    variants.delete(signature);
    variants.set(signature, { elements, conceptKey });
  };

  const lines = [...text.split(/\r?\n/), ...extraLines];
  for (const rawLine of lines) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      for (const variant of line.slice(1).split(',')) addVariant(variant.trim(), null);
      continue;
    }
    if (line.startsWith('=')) {
      for (const phrase of line.slice(1).split(',')) {
        const normalised = phrase.trim().toLowerCase().replace(/\s+/g, ' ');
        if (normalised !== '' && maskPlaceholderIn(normalised) === null) settled.add(normalised);
      }
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    let head = line.slice(0, colon).trim();
    const tail = line.slice(colon + 1);
    const broader: string[] = [];
    const arrow = head.indexOf('>');
    if (arrow >= 0) {
      for (const b of head.slice(arrow + 1).split(',')) if (b.trim() !== '') broader.push(b.trim().toLowerCase());
      head = head.slice(0, arrow).trim();
    }
    let party: PartyCode | undefined;
    const partyMatch = PARTY_SUFFIX.exec(head);
    if (partyMatch) {
      head = partyMatch[1].trim();
      const code = partyMatch[2];
      if (isPartyCode(code)) party = code;
    }
    if (head === '' || maskPlaceholderIn(head) !== null) continue;
    const key = head.toLowerCase();
    const existing = concepts.get(key);
    concepts.set(key, {
      key,
      label: existing?.label ?? head,
      party: party ?? existing?.party,
      broader: [...new Set([...(existing?.broader ?? []), ...broader])],
    });
    addVariant(head, key);
    for (const variant of tail.split(',')) {
      const trimmed = variant.trim();
      if (trimmed !== '') addVariant(trimmed, key);
    }
  }

  // A broader concept named only after '>' still needs to exist, to be shown by its name.
  for (const concept of [...concepts.values()]) {
    for (const b of concept.broader) if (!concepts.has(b)) concepts.set(b, { key: b, label: b, broader: [] });
  }
  const byStem = new Map<string, CompiledVariant[]>();
  const byRaw = new Map<string, CompiledVariant[]>();
  for (const variant of variants.values()) {
    const first = variant.elements[0];
    const index = first.caseSensitive ? byRaw : byStem;
    const list = index.get(first.value) ?? [];
    list.push(variant);
    index.set(first.value, list);
  }
  for (const list of [...byStem.values(), ...byRaw.values()]) list.sort((a, b) => b.elements.length - a.elements.length);
  return { concepts, variantsByStem: byStem, variantsByRaw: byRaw, knownWords, knownStems, settledPhrases: [...settled] };
}

/**
 * Finds thesaurus phrases in a token sequence (longest match first, left to right).
 * `stems` and `raws` are parallel arrays: the resolved stem and the word as written.
 */
export function matchThesaurus(thesaurus: Thesaurus, stems: readonly string[], raws: readonly string[]): ThesaurusMatch[] {
  const rawAt = (i: number): string => raws[i];
  const stemAt = (i: number): string => stems[i];
  const matches: ThesaurusMatch[] = [];
  let i = 0;
  while (i < stems.length) {
    const match = variantAt(thesaurus, stems.length, rawAt, stemAt, i);
    if (match) {
      matches.push({ start: i, ...match });
      i += match.length;
    } else {
      i += 1;
    }
  }
  return matches;
}

/** The variant matchThesaurus takes at a position, if any: its length in words and its concept. */
export interface VariantMatch {
  length: number;
  conceptKey: string | null;
}

/**
 * The variant that matches at word `at` of a text given by position (a large corpus keeps each
 * distinct word once and reads reports as word numbers), as matchThesaurus chooses it there.
 */
export function variantAt(thesaurus: Thesaurus, length: number, rawAt: (i: number) => string, stemAt: (i: number) => string, at: number): VariantMatch | undefined {
  // Variants by written form first; one by stem wins only when longer.
  const byRaw = longestVariantAt(thesaurus.variantsByRaw.get(rawAt(at)), undefined, length, rawAt, stemAt, at);
  const best = longestVariantAt(thesaurus.variantsByStem.get(stemAt(at)), byRaw, length, rawAt, stemAt, at);
  return best && { length: best.elements.length, conceptKey: best.conceptKey };
}

/**
 * The first variant of `list` (longest first) that matches at `at`, if it is longer than `best`; else
 * `best`.
 */
function longestVariantAt(
  list: readonly CompiledVariant[] | undefined,
  best: CompiledVariant | undefined,
  length: number,
  rawAt: (i: number) => string,
  stemAt: (i: number) => string,
  at: number,
): CompiledVariant | undefined {
  if (list === undefined) return best;
  for (const variant of list) {
    if (best && best.elements.length >= variant.elements.length) break;
    if (variantMatchesAt(variant, length, rawAt, stemAt, at)) return variant;
  }
  return best;
}

function variantMatchesAt(variant: CompiledVariant, length: number, rawAt: (i: number) => string, stemAt: (i: number) => string, at: number): boolean {
  if (at + variant.elements.length > length) return false;
  for (let k = 0; k < variant.elements.length; k++) {
    const element = variant.elements[k];
    const actual = element.caseSensitive ? rawAt(at + k) : stemAt(at + k);
    if (actual !== element.value) return false;
  }
  return true;
}
