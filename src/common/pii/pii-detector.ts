import { findEmailAddresses } from './email-address';
import { getNameLexicon } from './name-lexicon';
import { findPersonNames } from './name-detector';
import { findPhoneNumbers } from './phone-number';
import { emptyPiiCounts, PII_KIND_LABELS, PII_KINDS, PII_MASKS, type PiiFinding, type PiiKind } from './pii-finding';
import { findSwedishIdNumbers } from './swedish-id-number';

export { PII_KIND_LABELS, PII_KIND_PHRASES, PII_KINDS, PII_MASKS, type PiiFinding, type PiiKind } from './pii-finding';

export interface MaskedText {
  readonly text: string;
  readonly counts: Record<PiiKind, number>;
}

export interface PiiDetectionOptions {
  /**
   * Addresses that are not a participant's, typically the reporter's own: a staff member who
   * writes "svara till mig på …" has not disclosed participant data. Compared case-insensitively.
   */
  readonly ignoredEmailAddresses?: readonly string[];
}

export interface PiiFieldFindings {
  readonly field: string;
  readonly findings: readonly PiiFinding[];
}

/**
 * Detectors in order of precedence: an e-mail address may hold digits and names, and an
 * identity number must not be read as a phone number, so earlier findings win overlaps.
 */
const DETECTORS: ReadonlyArray<(text: string) => PiiFinding[]> = [
  findEmailAddresses,
  findSwedishIdNumbers,
  findPhoneNumbers,
  findPersonNames,
];

const DIGIT_PATTERN = /\d/;

/** Claims the span of a finding unless an earlier finding holds part of it. */
function claim(occupied: Uint8Array, finding: PiiFinding): boolean {
  for (let i = finding.start; i < finding.end; i++) if (occupied[i] === 1) return false;
  occupied.fill(1, finding.start, finding.end);
  return true;
}

function isIgnoredEmail(text: string, finding: PiiFinding, options: PiiDetectionOptions | undefined): boolean {
  const ignored = options?.ignoredEmailAddresses;
  if (finding.kind !== 'epost' || ignored === undefined || ignored.length === 0) return false;
  const address = text.slice(finding.start, finding.end).toLowerCase();
  return ignored.some((candidate) => candidate.trim().toLowerCase() === address);
}

/** All personal data in a free-text field, ordered by position, without overlaps. */
export function detectPii(text: string, options?: PiiDetectionOptions): PiiFinding[] {
  if (text.length === 0) return [];
  const hasDigits = DIGIT_PATTERN.test(text);
  const accepted: PiiFinding[] = [];
  let occupied: Uint8Array | undefined;
  for (const detect of DETECTORS) {
    // Number detectors cannot find anything in a text without digits.
    if (!hasDigits && (detect === findSwedishIdNumbers || detect === findPhoneNumbers)) continue;
    for (const finding of detect(text)) {
      occupied ??= new Uint8Array(text.length);
      // An ignored address still claims its span, so no name or number is found inside it.
      if (!claim(occupied, finding) || isIgnoredEmail(text, finding, options)) continue;
      accepted.push(finding);
    }
  }
  return accepted.sort((a, b) => a.start - b.start);
}

export function containsPii(text: string, options?: PiiDetectionOptions): boolean {
  return detectPii(text, options).length > 0;
}

/** Number of findings of each kind; safe to log, it holds no personal data. */
export function countPii(findings: readonly PiiFinding[]): Record<PiiKind, number> {
  const counts = emptyPiiCounts();
  for (const finding of findings) counts[finding.kind]++;
  return counts;
}

/** Replaces every finding in place with a Swedish placeholder such as "[namn borttaget]". */
export function maskPii(text: string, options?: PiiDetectionOptions): MaskedText {
  const findings = detectPii(text, options);
  if (findings.length === 0) return { text, counts: emptyPiiCounts() };
  let masked = '';
  let position = 0;
  for (const finding of findings) {
    masked += text.slice(position, finding.start) + PII_MASKS[finding.kind];
    position = finding.end;
  }
  masked += text.slice(position);
  return { text: masked, counts: countPii(findings) };
}

/** Findings per field of a report, leaving out fields without any. */
export function detectPiiInFields(
  fields: Readonly<Record<string, string | null | undefined>>,
  options?: PiiDetectionOptions,
): PiiFieldFindings[] {
  const result: PiiFieldFindings[] = [];
  for (const [field, value] of Object.entries(fields)) {
    if (typeof value !== 'string' || value.length === 0) continue;
    const findings = detectPii(value, options);
    if (findings.length > 0) result.push({ field, findings });
  }
  return result;
}

/** Swedish list of the kinds found, e.g. "personnummer och namn", for a message to the reporter. */
export function describePiiKinds(findings: readonly PiiFinding[]): string {
  const labels = PII_KINDS.filter((kind) => findings.some((f) => f.kind === kind)).map((kind) => PII_KIND_LABELS[kind]);
  if (labels.length <= 1) return labels.join('');
  return `${labels.slice(0, -1).join(', ')} och ${labels[labels.length - 1]}`;
}

/** Loads the name datasets now (about 0.3 s) instead of on the first request. */
export function preloadPiiDetector(): void {
  getNameLexicon();
}
