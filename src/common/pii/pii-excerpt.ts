import type { PiiFinding, PiiKind } from './pii-finding';

/** A run of an excerpt: the writer's own words, or a finding (`marked`, shown highlighted). */
export interface PiiExcerptSegment {
  readonly text: string;
  readonly marked: boolean;
}

/**
 * A few words of a text around one finding (or several close together), so the writer can find it
 * without counting characters. It holds the found text itself: it may only go back to the browser
 * that typed it, in the same response, never to a log, the database, a mail or a URL.
 */
export interface PiiExcerpt {
  readonly segments: readonly PiiExcerptSegment[];
  /** The kinds found in this excerpt, in order of appearance. */
  readonly kinds: readonly PiiKind[];
  /** Text was left out before (…) or after the excerpt. */
  readonly clippedBefore: boolean;
  readonly clippedAfter: boolean;
}

export interface PiiExcerptOptions {
  /** Whole words kept on each side of a finding. */
  readonly wordsAround?: number;
  /** At most this many characters on each side, so one long word cannot fill a phone screen. */
  readonly maxCharsAround?: number;
}

const WHITESPACE = /\s+/g;
const WORDLIKE = /[\p{L}\p{N}]/u;
const DEFAULT_WORDS = 4;
const DEFAULT_CHARS = 40;

/** Where the context before `start` begins: up to `words` whole words, at most `maxChars` back. */
function contextStart(text: string, start: number, words: number, maxChars: number): number {
  let position = start;
  let taken = 0;
  while (taken < words) {
    let i = position;
    while (i > 0 && /\s/.test(text[i - 1])) i--;
    // Only spaces (or nothing) before: the excerpt starts at the first word.
    if (i === 0) return position;
    let wordStart = i;
    while (wordStart > 0 && !/\s/.test(text[wordStart - 1])) wordStart--;
    // A word that would pass the limit is left out whole (unless it is the only one, which is cut).
    if (start - wordStart > maxChars) return taken === 0 ? Math.max(wordStart, start - maxChars) : position;
    // A lone dash or comma is not a word: it comes along without counting.
    if (WORDLIKE.test(text.slice(wordStart, i))) taken++;
    position = wordStart;
  }
  return position;
}

/** Where the context after `end` ends: up to `words` whole words, at most `maxChars` on. */
function contextEnd(text: string, end: number, words: number, maxChars: number): number {
  let position = end;
  let taken = 0;
  while (taken < words) {
    let i = position;
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i === text.length) return position;
    let wordEnd = i;
    while (wordEnd < text.length && !/\s/.test(text[wordEnd])) wordEnd++;
    if (wordEnd - end > maxChars) return taken === 0 ? Math.min(wordEnd, end + maxChars) : position;
    if (WORDLIKE.test(text.slice(i, wordEnd))) taken++;
    position = wordEnd;
  }
  return position;
}

/** Line breaks and runs of spaces read as one space in a one-line quote. */
function flatten(text: string): string {
  return text.replace(WHITESPACE, ' ');
}

/**
 * Excerpts of `text` around `findings` (the detector's, on this very text): a few words either side,
 * each finding marked. Findings whose excerpts would overlap share one excerpt, so a name next to a
 * phone number is quoted once with both marked.
 */
export function piiExcerpts(text: string, findings: readonly PiiFinding[], options: PiiExcerptOptions = {}): PiiExcerpt[] {
  const words = options.wordsAround ?? DEFAULT_WORDS;
  const maxChars = options.maxCharsAround ?? DEFAULT_CHARS;
  const sorted = [...findings].filter((f) => f.start < f.end && f.end <= text.length).sort((a, b) => a.start - b.start);
  const groups: Array<{ from: number; to: number; members: PiiFinding[] }> = [];
  for (const finding of sorted) {
    const from = contextStart(text, finding.start, words, maxChars);
    const to = contextEnd(text, finding.end, words, maxChars);
    const last = groups[groups.length - 1];
    if (last && from <= last.to) {
      last.to = Math.max(last.to, to);
      last.members.push(finding);
    } else {
      groups.push({ from, to, members: [finding] });
    }
  }
  return groups.map(({ from, to, members }) => {
    const segments: PiiExcerptSegment[] = [];
    let position = from;
    for (const finding of members) {
      if (finding.start > position) segments.push({ text: flatten(text.slice(position, finding.start)), marked: false });
      segments.push({ text: flatten(text.slice(finding.start, finding.end)), marked: true });
      position = finding.end;
    }
    if (to > position) segments.push({ text: flatten(text.slice(position, to)), marked: false });
    const kinds = [...new Set(members.map((f) => f.kind))];
    return {
      segments,
      kinds,
      clippedBefore: text.slice(0, from).trim() !== '',
      clippedAfter: text.slice(to).trim() !== '',
    };
  });
}
