import { DomainError, FieldProblem } from '../errors/domain-error';
import { findIdNumberNearMisses, idNumberFingerprint, IdNumberNearMiss } from './id-number-near-miss';
import { PII_KIND_PHRASES, PiiDetectionOptions } from './pii-detector';

/**
 * Texts that leave the organisation or are copied far (a letter, a barrier's name) are not written with a number that
 * looks like a mistyped personnummer (id-number-near-miss) unless someone has said it is not one. The pages ask
 * ("Det är inte ett personnummer – skicka ändå", personal-data-form); the API refuses with 400 `id_number_near_miss`
 * unless the call carries `confirmNotPersonalData: true`, the API's way of saying the same.
 */

/** The flag an API call carries to say the numbers it was refused for are not personnummer. */
export const CONFIRM_NOT_PERSONAL_DATA = 'confirmNotPersonalData';

/** Said when no other message fits: what was found and the two ways on. */
export const ID_NUMBER_NEAR_MISS_MESSAGE =
  'Texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet. Inget har sparats. Ta bort numret, eller skicka igen med confirmNotPersonalData: true om det inte är ett personnummer (till exempel ett ärendenummer).';

/** Where a near miss is, never what: as the personal-data refusal's findings. */
export interface IdNumberNearMissFinding {
  field: string;
  kind: string;
  start: number;
  end: number;
}

export class IdNumberNearMissError extends DomainError {
  constructor(fields: FieldProblem[], findings: IdNumberNearMissFinding[], message = ID_NUMBER_NEAR_MISS_MESSAGE) {
    super('id_number_near_miss', message, 400, fields, { findings, confirmWith: CONFIRM_NOT_PERSONAL_DATA });
  }
}

/** Who has vouched for which numbers: every number ('all', the API's flag), or those with these fingerprints. */
export type IdNumbersVouched = 'all' | readonly string[];

/** One field's near misses that nobody has vouched for. */
function unvouched(text: string, vouched: IdNumbersVouched, options?: PiiDetectionOptions): { all: IdNumberNearMiss[]; open: IdNumberNearMiss[] } {
  const all = findIdNumberNearMisses(text, options);
  const open = vouched === 'all' ? [] : all.filter((miss) => !vouched.includes(idNumberFingerprint(text.slice(miss.start, miss.end))));
  return { all, open };
}

/**
 * Refuses (IdNumberNearMissError) when a field holds a near miss nobody has vouched for, naming each field with its
 * kind and character positions; otherwise the fingerprints of every near miss in the fields, all vouched for now, to
 * store where the text is stored. `names`: each field's Swedish name as the subject of a sentence.
 */
export function assertIdNumbersVouched(
  fields: Readonly<Record<string, string | null | undefined>>,
  vouched: IdNumbersVouched,
  names: Readonly<Record<string, string>>,
  message?: string,
  options?: PiiDetectionOptions,
): string[] {
  const problems: FieldProblem[] = [];
  const findings: IdNumberNearMissFinding[] = [];
  const fingerprints: string[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const { all, open } = unvouched(text, vouched, options);
    fingerprints.push(...all.map((miss) => idNumberFingerprint(text.slice(miss.start, miss.end))));
    if (open.length === 0) continue;
    const where = open.map((miss) => `${PII_KIND_PHRASES[miss.kind]} (tecken ${miss.start + 1}–${miss.end})`);
    const listed = where.length > 1 ? `${where.slice(0, -1).join(', ')} och ${where[where.length - 1]}` : where[0];
    problems.push({ field, message: `${names[field] ?? 'Texten'} innehåller ett nummer som ser ut som ${listed}. Ta bort det, eller bekräfta att det inte är ett personnummer.` });
    findings.push(...open.map((miss) => ({ field, kind: miss.kind, start: miss.start, end: miss.end })));
  }
  if (problems.length > 0) throw new IdNumberNearMissError(problems, findings, message);
  return [...new Set(fingerprints)].sort();
}
