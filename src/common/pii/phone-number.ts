import { createFinding, type PiiFinding } from './pii-finding';

/**
 * A run of digit groups that starts like a phone number: "+<digit>", "(0<digit>" or "0<digit>".
 * National numbers always start with 0, so years, amounts, dates like 2024-03-12 and most
 * case numbers never become candidates. The run is split and checked in code.
 */
const PHONE_CANDIDATE_PATTERN = /(?<![\p{L}\p{N}_])(?<!\p{N}[.,/+-])(?:\+ ?\d|\(0\d|0\d)[\d \u00A0()\u2013-]*\d(?!\p{N})/gu;

const DIGIT_GROUP_PATTERN = /\d+/g;

/** Case-number words: what follows them is a diarienummer, not a phone number. */
const CASE_NUMBER_CONTEXT_PATTERN = /(?<!\p{L})(?:dnr|diarienr|diarienummer|diarie-nr|ärendenr|ärendenummer|ärende-nr|referensnr|ref\.?|löpnr|ordernr|fakturanr|ocr)\s*[.:]?\s*$/iu;

/** Words that say a number is a phone number, used only for otherwise ambiguous bare numbers. */
const PHONE_CONTEXT_PATTERN = /(?<!\p{L})(?:tel|telefon|telefonnr|mobil|mobilnr|mobilnummer|ring|ringa|sms|nå|nås|nummer)(?!\p{L})[^.\n]{0,20}$/iu;

/** A unit after the number makes it an amount or a count. */
const UNIT_AFTER_PATTERN = /^\s?(?:kr\b|kronor|sek\b|:-|%|st\b|timmar|tim\b|h\b|dagar|år\b|mnkr|tkr)/iu;

/** dd-mm-yyyy: a date, even when it starts with 08. */
const DATE_SHAPE_PATTERN = /^\d{1,2}[-\u2013]\d{1,2}[-\u2013](?:19|20)\d{2}$/;

/**
 * Freephone (020), shared-cost (077x) and premium (0900, 0939, 0944) numbers belong to
 * authorities and companies, such as AF's customer service, never to a participant.
 */
const SERVICE_NUMBER_PATTERN = /^0(?:20|77|900|939|944)/;

/** Mobile series 070, 072, 073, 076 and 079 always have 10 digits with the leading 0. */
const MOBILE_PATTERN = /^07[02369]/;

/** "+46 (0)70 123 45 67" has six groups; more cannot be one phone number. */
const MAX_PHONE_GROUPS = 7;

interface DigitGroup {
  readonly digits: string;
  readonly start: number;
  readonly end: number;
  /** Whether the group is written "(0)", the optional trunk zero after +46. */
  readonly trunkZero: boolean;
}

function looksLikeBirthDate(tenDigits: string): boolean {
  const month = Number(tenDigits.slice(2, 4));
  const day = Number(tenDigits.slice(4, 6));
  return month >= 1 && month <= 12 && ((day >= 1 && day <= 31) || (day >= 61 && day <= 91));
}

/**
 * Checks a national number (leading 0) split into the groups as written. The first group is
 * the area code when the writer separated it: Swedish area codes are 08 or three to four
 * digits, and no landline subscriber number starts with 0.
 */
function isNationalNumber(groups: readonly string[], hasPhoneContext: boolean): boolean {
  const digits = groups.join('');
  if (digits.length < 8 || digits.length > 10 || digits[0] !== '0' || digits[1] === '0') return false;
  if (SERVICE_NUMBER_PATTERN.test(digits)) return false;
  const mobile = MOBILE_PATTERN.test(digits);
  if (mobile && digits.length !== 10) return false;
  if (groups.length === 1) {
    // A bare 10-digit number that reads as a birth date is a personnummer with a wrong check
    // digit far more often than a landline; a bare 8-digit one is as likely a date (ddmmyyyy).
    if (!mobile && digits.length === 10 && looksLikeBirthDate(digits)) return hasPhoneContext;
    if (digits.length === 8) return hasPhoneContext;
    return true;
  }
  const areaCode = groups[0] ?? '';
  if (areaCode.length < 2 || areaCode.length > 4) return false;
  // Ten digits in a mobile series is shape enough; mobile subscriber numbers may start with 0.
  if (mobile) return true;
  if (areaCode.length === 2 && areaCode !== '08') return false;
  const subscriber = digits.slice(areaCode.length);
  return subscriber.length >= 5 && subscriber[0] !== '0';
}

/**
 * Groups written after +46 or 0046 (country code already removed from the first group), as
 * a national number: the trunk zero is added once ("+46 70 …", "+46 070 …" → "070 …").
 */
function nationalGroups(afterCountryCode: readonly string[]): string[] | null {
  const rest = afterCountryCode.filter((g) => g.length > 0);
  const head = rest[0];
  if (head === undefined) return null;
  rest[0] = head.startsWith('0') ? head : `0${head}`;
  return rest;
}

function isPhoneNumber(raw: string, groups: readonly DigitGroup[], hasPhoneContext: boolean): boolean {
  if (DATE_SHAPE_PATTERN.test(raw)) return false;
  // "(0)" after the country code is only a reminder of the trunk zero.
  const digits = groups.filter((g) => !g.trunkZero).map((g) => g.digits);
  const first = digits[0] ?? '';
  if (raw.startsWith('+')) {
    if (first.startsWith('46')) {
      const national = nationalGroups([first.slice(2), ...digits.slice(1)]);
      return national !== null && isNationalNumber(national, true);
    }
    const total = digits.join('').length;
    return total >= 8 && total <= 15;
  }
  if (first.startsWith('0046')) {
    const national = nationalGroups([first.slice(4), ...digits.slice(1)]);
    return national !== null && isNationalNumber(national, true);
  }
  return isNationalNumber(digits, hasPhoneContext);
}

function splitGroups(raw: string, offset: number): DigitGroup[] {
  const groups: DigitGroup[] = [];
  for (const m of raw.matchAll(DIGIT_GROUP_PATTERN)) {
    const start = m.index;
    const end = start + m[0].length;
    const trunkZero = m[0] === '0' && raw[start - 1] === '(' && raw[end] === ')';
    groups.push({ digits: m[0], start: offset + start, end: offset + end, trunkZero });
  }
  return groups;
}

/** Number of groups, from the first one given, that form the longest phone number; 0 if none. */
function longestNumber(text: string, start: number, groups: readonly DigitGroup[], hasPhoneContext: boolean): number {
  for (let count = Math.min(groups.length, MAX_PHONE_GROUPS); count > 0; count--) {
    const end = groups[count - 1]?.end ?? start;
    if (UNIT_AFTER_PATTERN.test(text.slice(end, end + 8))) continue;
    if (isPhoneNumber(text.slice(start, end), groups.slice(0, count), hasPhoneContext)) return count;
  }
  return 0;
}

export function findPhoneNumbers(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(PHONE_CANDIDATE_PATTERN)) {
    const candidateStart = match.index;
    const before = text.slice(Math.max(0, candidateStart - 30), candidateStart);
    if (CASE_NUMBER_CONTEXT_PATTERN.test(before)) continue;
    const hasPhoneContext = PHONE_CONTEXT_PATTERN.test(before);
    const groups = splitGroups(match[0], candidateStart);
    // The run may hold more than one number, or a number followed by an unrelated one: take the
    // longest valid prefix of groups, then go on after it.
    let previousEnd = -1;
    let i = 0;
    while (i < groups.length) {
      const group = groups[i];
      if (group === undefined) break;
      // "+" belongs to the first group only; a later number must start with 0 after a space.
      const start = i === 0 ? candidateStart : group.start;
      const canStart = i === 0 || (/\s$/.test(text.slice(previousEnd, group.start)) && group.digits.startsWith('0'));
      const count = canStart ? longestNumber(text, start, groups.slice(i), hasPhoneContext) : 0;
      const last = groups[i + count - 1];
      if (count === 0 || last === undefined) {
        previousEnd = group.end;
        i++;
        continue;
      }
      findings.push(createFinding('telefonnummer', start, last.end));
      previousEnd = last.end;
      i += count;
    }
  }
  return findings;
}
