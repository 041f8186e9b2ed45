import { createFinding, type PiiFinding } from './pii-finding';

export type SwedishIdNumberKind = 'personnummer' | 'samordningsnummer';

/**
 * YYMMDD-NNNN, YYMMDDNNNN, YYMMDD+NNNN, YYYYMMDD-NNNN and YYYYMMDDNNNN. The lookarounds keep
 * the match from starting or ending inside a longer number ("12-890914-9513", "890914-95131").
 */
const ID_NUMBER_PATTERN = /(?<!\p{N})(?<!\p{N}[-/.,+])(\d{2})?(\d{6})([-+]?)(\d{4})(?!\p{N})(?![-/.,+:]\p{N})/gu;

/** Words that say the number next to them is an identity number. */
const ID_CONTEXT_PATTERN = /(?:person|pnr|p-nr|pers\.?\s?nr|samordn|s-nr|födelse|id-nr|identitet)/iu;

/** A bare 10-digit 07… number is far more often a mobile number than a personnummer. */
const MOBILE_PREFIX_PATTERN = /^07/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Luhn (mod 10) over the 10-digit form YYMMDDNNNC, as Skatteverket computes the check digit. */
export function hasValidLuhnChecksum(tenDigits: string): boolean {
  if (!/^\d{10}$/.test(tenDigits)) return false;
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let digit = tenDigits.charCodeAt(i) - 48;
    if (i % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * What the date part of a candidate reads as, without looking at the check digit: personnummer,
 * samordningsnummer (day + 60), or null when it is no real date (or an impossible century). The
 * near-miss check (id-number-near-miss.ts) reads numbers with a failed check digit through this.
 */
export function swedishIdNumberDateKind(century: string | undefined, birthDate: string, separator: string): SwedishIdNumberKind | null {
  const yy = Number(birthDate.slice(0, 2));
  const month = Number(birthDate.slice(2, 4));
  const rawDay = Number(birthDate.slice(4, 6));
  let leap = yy % 4 === 0;
  if (century !== undefined) {
    const centuryNumber = Number(century);
    // '+' marks a person aged 100 or more in the 10-digit form only.
    if (centuryNumber < 18 || centuryNumber > 20 || separator === '+') return null;
    leap = isLeapYear(centuryNumber * 100 + yy);
  }
  if (month < 1 || month > 12) return null;
  const coordination = rawDay > 60;
  const day = coordination ? rawDay - 60 : rawDay;
  const daysInMonth = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (daysInMonth === undefined || day < 1 || day > daysInMonth) return null;
  return coordination ? 'samordningsnummer' : 'personnummer';
}

/**
 * Classifies the parts of a candidate. Returns null for anything that is not a real date or
 * fails the check digit: such numbers are not personal data (a mistyped or invented number).
 * That is the detector's verdict (what import masks and the hard check refuses); a form still
 * asks about such a number once when it looks like a mistyped real one (id-number-near-miss.ts).
 */
export function classifySwedishIdNumber(
  century: string | undefined,
  birthDate: string,
  separator: string,
  serial: string,
): SwedishIdNumberKind | null {
  const kind = swedishIdNumberDateKind(century, birthDate, separator);
  if (kind === null) return null;
  if (!hasValidLuhnChecksum(birthDate + serial)) return null;
  return kind;
}

export function findSwedishIdNumbers(text: string): PiiFinding[] {
  const findings: PiiFinding[] = [];
  for (const match of text.matchAll(ID_NUMBER_PATTERN)) {
    const [whole, century, birthDate = '', separator = '', serial = ''] = match;
    const kind = classifySwedishIdNumber(century, birthDate, separator, serial);
    if (kind === null) continue;
    const start = match.index;
    if (century === undefined && separator === '' && MOBILE_PREFIX_PATTERN.test(birthDate)) {
      const before = text.slice(Math.max(0, start - 40), start);
      if (!ID_CONTEXT_PATTERN.test(before)) continue;
    }
    findings.push(createFinding(kind, start, start + whole.length));
  }
  return findings;
}
