import { createHash } from 'node:crypto';
import { detectPii, type PiiDetectionOptions } from './pii-detector';
import { PII_MASKS } from './pii-finding';
import { hasValidLuhnChecksum, swedishIdNumberDateKind, type SwedishIdNumberKind } from './swedish-id-number';

/**
 * Near misses: numbers that look like a mistyped real personnummer or samordningsnummer but that the
 * detector (swedish-id-number.ts) does not count as personal data, because the check digit fails or
 * the number is written apart ("850312-123 4", "pnr 811218 9876"). The detector's verdict stands (it
 * decides what import masks and what a form refuses); this only lets a form ask the writer once.
 *
 * A near miss is a 10- or 12-digit number whose first six (eight) digits are a real date, day + 60 for
 * a samordningsnummer, that
 * - is written the way identity numbers are: the date, a dash (or +), the last four ("850312-1234",
 *   "19850312 – 1234", also with the last four split once by a space, "850312-123 4"); or
 * - stands near a word that says it is one (personnummer, pnr, samordningsnr, född …), however its
 *   digits are grouped ("Personnr: 8503121234", "pnr 85 03 12 1234").
 * A bare run of digits without such a word ("Avser 199803305380") is left alone: it is as often a case
 * number or a phone number. Anything the detector finds is not a near miss (the form refuses it anyway).
 */
export type NearMissReason = 'check-digit' | 'written-apart';

export interface IdNumberNearMiss {
  readonly kind: SwedishIdNumberKind;
  /** 'check-digit': the last digit is wrong; 'written-apart': a valid number the detector misses for its spacing. */
  readonly reason: NearMissReason;
  /** Offset of the first character, and just past the last, like a PiiFinding. */
  readonly start: number;
  readonly end: number;
}

/**
 * Runs of digit groups joined by a dash, a plus or a space. The lookarounds keep a run from starting or
 * ending inside a longer number ("12-890914-9513", "890914-95131", "850312-1234/5").
 */
const DIGIT_RUN = /(?<!\p{N})(?<!\p{N}[-/.,+:])\d+(?:(?:[ \u00a0]?[-\u2010\u2011\u2012\u2013\u2014\u2212+][ \u00a0]?|[ \u00a0])\d+)*(?!\p{N})(?![-/.,+:]\p{N})/gu;
const GROUP = /\d+/g;
const DASH = /^[ \u00a0]?[-\u2010\u2011\u2012\u2013\u2014\u2212+][ \u00a0]?$/;
const SPACE = /^[ \u00a0]$/;

/**
 * Words that say a number is an identity number, in the forms people write them. Checked a short way
 * before the number ("personnr: 850312-1234", "född 850312 1234") and just after ("850312-1234 (pnr)").
 */
const LABEL =
  /(?<!\p{L})(?:person(?:nummer|numret|numren|nr)|pers\.?\s?nr|p\.?-?nr|samordnings(?:nummer|numret|nr)|samordn\.?\s?nr|s-nr|födelse(?:nummer|numret|nr|datum|dag)|född|id-?nr|id-?nummer|identitetsnummer|personbeteckning)(?!\p{L})/iu;
const LABEL_BEFORE = 40;
const LABEL_AFTER = 25;

interface Group {
  readonly digits: string;
  readonly start: number;
  readonly end: number;
}

function hasLabelNear(text: string, start: number, end: number): boolean {
  const before = text.slice(Math.max(0, start - LABEL_BEFORE), start);
  const after = text.slice(end, end + LABEL_AFTER);
  return LABEL.test(before) || LABEL.test(after);
}

/** The date, a dash, the last four; the last four may be split once by a space ("850312-123 4"). */
function isIdShaped(groups: readonly Group[], separators: readonly string[]): boolean {
  const [date, ...serial] = groups;
  if (date.digits.length !== 6 && date.digits.length !== 8) return false;
  if (!DASH.test(separators[0])) return false;
  if (serial.length === 1) return serial[0].digits.length === 4;
  return serial.length === 2 && SPACE.test(separators[1]) && serial[0].digits.length + serial[1].digits.length === 4;
}

/** A candidate made of groups[from..to], or null when it is no near miss. */
function candidate(text: string, groups: readonly Group[], from: number, to: number): IdNumberNearMiss | null {
  // Joined by a dash to a group outside, it is part of a longer number ("12-850312-1234"), as the detector reads it.
  if (from > 0 && DASH.test(text.slice(groups[from - 1].end, groups[from].start))) return null;
  if (to < groups.length - 1 && DASH.test(text.slice(groups[to].end, groups[to + 1].start))) return null;
  const window = groups.slice(from, to + 1);
  const digits = window.map((g) => g.digits).join('');
  if (digits.length !== 10 && digits.length !== 12) return null;
  const separators = window.slice(1).map((g, i) => text.slice(window[i].end, g.start));
  const century = digits.length === 12 ? digits.slice(0, 2) : undefined;
  const birthDate = digits.slice(digits.length - 10, digits.length - 4);
  const serial = digits.slice(-4);
  // The separator before the last four, where there is one: '+' marks a person aged 100 or more.
  let separator = '';
  let offset = 0;
  for (let i = 0; i < window.length - 1; i++) {
    offset += window[i].digits.length;
    if (offset === digits.length - 4) separator = separators[i].includes('+') ? '+' : '-';
  }
  const kind = swedishIdNumberDateKind(century, birthDate, separator);
  if (kind === null) return null;
  const start = window[0].start;
  const end = window[window.length - 1].end;
  if (!isIdShaped(window, separators) && !hasLabelNear(text, start, end)) return null;
  return { kind, reason: hasValidLuhnChecksum(birthDate + serial) ? 'written-apart' : 'check-digit', start, end };
}

/** The near misses in a text, in order, none overlapping anything the detector finds there. */
export function findIdNumberNearMisses(text: string, options?: PiiDetectionOptions): IdNumberNearMiss[] {
  if (!/\d/.test(text)) return [];
  const found: IdNumberNearMiss[] = [];
  for (const run of text.matchAll(DIGIT_RUN)) {
    const groups: Group[] = [...run[0].matchAll(GROUP)].map((g) => ({ digits: g[0], start: run.index + g.index, end: run.index + g.index + g[0].length }));
    for (let from = 0; from < groups.length; from++) {
      // The longest reading first: "19850312-1234" is one number, not "850312-1234" after "19".
      let hit: { miss: IdNumberNearMiss; to: number } | null = null;
      for (let to = groups.length - 1; to >= from && hit === null; to--) {
        const miss = candidate(text, groups, from, to);
        if (miss) hit = { miss, to };
      }
      if (hit) {
        found.push(hit.miss);
        from = hit.to;
      }
    }
  }
  if (found.length === 0) return found;
  const hard = detectPii(text, options);
  return found.filter((miss) => !hard.some((f) => f.start < miss.end && miss.start < f.end));
}

/** The number as a quote may show it: every digit but the last two hidden ("••••••-••34"). */
export function maskedIdNumber(number: string): string {
  const digits = number.replace(/\D/g, '').length;
  let seen = 0;
  return number.replace(/\d/g, (digit) => (++seen > digits - 2 ? digit : '•'));
}

/** Each near miss replaced by the placeholder the detector's mask uses ("[personnummer borttaget]"). */
export function removeIdNumberNearMisses(text: string, options?: PiiDetectionOptions): { text: string; removed: number } {
  const misses = findIdNumberNearMisses(text, options);
  let result = '';
  let position = 0;
  for (const miss of misses) {
    result += text.slice(position, miss.start) + PII_MASKS[miss.kind];
    position = miss.end;
  }
  return { text: result + text.slice(position), removed: misses.length };
}

/**
 * A short fingerprint of a number's digits, so "Det är inte ett personnummer – skicka ändå" can name the
 * numbers the writer vouched for without the form carrying them twice; a number typed later is asked about.
 * It only travels in the response to the post that typed the number and the next post from that form.
 */
export function idNumberFingerprint(number: string): string {
  return createHash('sha256').update(`avvikelser:idnummer:${number.replace(/\D/g, '')}`).digest('base64url').slice(0, 16);
}
