import { DomainError, FieldProblem, ValidationFailedError } from '../../common/errors/domain-error';
import { detectPii, PII_KIND_PHRASES, PiiFinding } from '../../common/pii/pii-detector';
import { LETTER_FIELD_NAMES, LetterSenderField } from './letter.constants';

/** Where a finding is, never what: the text itself goes no further than the form. */
export interface LetterPersonalDataFinding {
  field: string;
  kind: string;
  /** 0-based, end exclusive, like the detector. */
  start: number;
  end: number;
}

export class LetterPersonalDataError extends DomainError {
  constructor(fields: FieldProblem[], findings: LetterPersonalDataFinding[]) {
    super(
      'personal_data_found',
      'Texten innehåller något som liknar personuppgifter. Inget har sparats. Skriv om utan namn, personnummer, telefonnummer eller e-postadresser och spara igen.',
      422,
      fields,
      { findings },
    );
  }
}

/** "Underlaget innehåller något som liknar ett namn (tecken 120–133) …" */
export function letterPersonalDataMessage(field: string, findings: readonly PiiFinding[]): string {
  const parts = findings.map((finding) => `${PII_KIND_PHRASES[finding.kind]} (tecken ${finding.start + 1}–${finding.end})`);
  const listed = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} och ${parts[parts.length - 1]}` : parts[0];
  const name = LETTER_FIELD_NAMES[field as keyof typeof LETTER_FIELD_NAMES] ?? 'Texten';
  return `${name} innehåller något som liknar ${listed}. Skriv om utan personuppgifter.`;
}

/**
 * A letter leaves the organisation: every free-text field is checked before anything is written,
 * and a finding refuses the whole save with kind and position per field. `alsoWrong`: the form's other
 * problems (a date, a sender field), refused in the same round so the writer fixes everything at once;
 * with no personal data found they are refused by themselves (400).
 */
export function assertLetterHasNoPersonalData(fields: Readonly<Record<string, string | null | undefined>>, alsoWrong: readonly FieldProblem[] = []): void {
  const problems: FieldProblem[] = [];
  const findings: LetterPersonalDataFinding[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const found = detectPii(text);
    if (found.length === 0) continue;
    problems.push({ field, message: letterPersonalDataMessage(field, found) });
    for (const finding of found) findings.push({ field, kind: finding.kind, start: finding.start, end: finding.end });
  }
  if (problems.length > 0) throw new LetterPersonalDataError([...problems, ...alsoWrong], findings);
  if (alsoWrong.length > 0) throw new ValidationFailedError([...alsoWrong]);
}

/** The sender's fields checked for an identity number: how the refusal says it, and what to write instead. */
const ID_NUMBER_REFUSALS: Readonly<Partial<Record<LetterSenderField, { verb: string; advice: string }>>> = {
  referenceNumber: { verb: 'liknar', advice: 'Skriv ärendets diarienummer, inte en persons.' },
  signatoryTitle: { verb: 'innehåller något som liknar', advice: 'Skriv bara titeln, till exempel ”Verksamhetsutvecklare”.' },
  contactPhone: { verb: 'liknar', advice: 'Skriv avsändarens telefonnummer, till exempel 08-123 456 78.' },
};

/** Ten digits from 0, no separator: a phone number in national form ("0811234567") as much as an identity number. */
const NATIONAL_PHONE = /^0\d{9}$/;

/**
 * The sender's fields hold the analyst's own name, e-mail and phone, which the letter must carry, so they are
 * not refused as personal data as the text is. An identity number is never the sender's contact, though, and
 * would be printed in the letter's head or signature: the diarienummer, the title and the phone refuse one.
 * The name and e-mail fields cannot hold one (letters only; an address). In the phone field a bare ten-digit
 * number from 0 is let through: it is how a phone number is also written.
 */
export function senderIdNumberProblems(sender: Readonly<Partial<Record<LetterSenderField, string | null>>>): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const [field, { verb, advice }] of Object.entries(ID_NUMBER_REFUSALS) as Array<[LetterSenderField, { verb: string; advice: string }]>) {
    const text = sender[field];
    if (!text) continue;
    const found = detectPii(text).find(
      (finding) => (finding.kind === 'personnummer' || finding.kind === 'samordningsnummer') && !(field === 'contactPhone' && NATIONAL_PHONE.test(text.slice(finding.start, finding.end))),
    );
    if (found) problems.push({ field, message: `${LETTER_FIELD_NAMES[field]} ${verb} ${PII_KIND_PHRASES[found.kind]}. ${advice}` });
  }
  return problems;
}

/** Refuses the sender's fields as senderIdNumberProblems finds them, each at its field; nothing is written. */
export function assertSenderHasNoIdNumber(sender: Readonly<Partial<Record<LetterSenderField, string | null>>>): void {
  const problems = senderIdNumberProblems(sender);
  if (problems.length > 0) throw new ValidationFailedError(problems);
}

/**
 * Said when a number in the letter that looks like a mistyped personnummer has not been vouched for (id-number-refusal):
 * at a save, and as the last look before review and send. The fields say where; the API may vouch with
 * confirmNotPersonalData, the page asks "Det är inte ett personnummer – skicka ändå" at the save.
 */
export const LETTER_ID_NUMBER_REFUSALS = {
  save:
    'Texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet. Inget har sparats. Skrivelsen lämnar organisationen: ta bort numret, eller skicka igen med confirmNotPersonalData: true om det inte är ett personnummer (till exempel ett ärendenummer).',
  review:
    'Skrivelsen är inte granskad: texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer och som ingen har sagt inte är ett. Ta bort numret i utkastet, eller bekräfta att det inte är ett personnummer när du sparar (API: confirmNotPersonalData: true), och granska sedan igen.',
  send:
    'Skrivelsen är inte markerad som skickad och ingen har fått e-post: texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer och som ingen har sagt inte är ett. För tillbaka skrivelsen till utkast, ta bort numret eller bekräfta att det inte är ett personnummer när du sparar, och granska igen (API: confirmNotPersonalData: true).',
} as const;
