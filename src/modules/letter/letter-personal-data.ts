import { DomainError, FieldProblem } from '../../common/errors/domain-error';
import { detectPii, PII_KIND_PHRASES, PiiFinding } from '../../common/pii/pii-detector';
import { LETTER_FIELD_NAMES } from './letter.constants';

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
 * and a finding refuses the whole save with kind and position per field.
 */
export function assertLetterHasNoPersonalData(fields: Readonly<Record<string, string | null | undefined>>): void {
  const problems: FieldProblem[] = [];
  const findings: LetterPersonalDataFinding[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const found = detectPii(text);
    if (found.length === 0) continue;
    problems.push({ field, message: letterPersonalDataMessage(field, found) });
    for (const finding of found) findings.push({ field, kind: finding.kind, start: finding.start, end: finding.end });
  }
  if (problems.length > 0) throw new LetterPersonalDataError(problems, findings);
}
