import { detectPii, PII_KIND_PHRASES, PiiDetectionOptions, PiiFinding } from '../../common/pii/pii-detector';
import { DomainError, FieldProblem } from '../../common/errors/domain-error';
import { TEXT_FIELD_NAMES } from './deviation.constants';

/** Where a finding is, never what: the found text must not travel further than the form it was typed in. */
export interface PersonalDataFinding {
  field: string;
  kind: string;
  /** 0-based, end exclusive, like the detector. */
  start: number;
  end: number;
}

export class PersonalDataFoundError extends DomainError {
  constructor(fields: FieldProblem[], findings: PersonalDataFinding[]) {
    super(
      'personal_data_found',
      'Texten innehåller något som liknar personuppgifter om en deltagare. Inget har sparats. Skriv om utan personuppgifter och skicka igen.',
      422,
      fields,
      { findings },
    );
  }
}

function phraseFor(finding: PiiFinding): string {
  return PII_KIND_PHRASES[finding.kind];
}

/** "Beskrivningen innehåller något som liknar ett personnummer (tecken 45–57). Skriv om utan personuppgifter." */
export function personalDataMessage(field: string, findings: readonly PiiFinding[]): string {
  const parts = findings.map((finding) => `${phraseFor(finding)} (tecken ${finding.start + 1}–${finding.end})`);
  const listed = parts.length > 1 ? `${parts.slice(0, -1).join(', ')} och ${parts[parts.length - 1]}` : parts[0];
  return `${TEXT_FIELD_NAMES[field] ?? 'Texten'} innehåller något som liknar ${listed}. Skriv om utan personuppgifter.`;
}

/**
 * Runs the detector over each free-text field and throws a 422 naming kind and position per field.
 * Called before anything is written, so a refused text is never stored. The writer's own address
 * (options.ignoredEmailAddresses) is not a participant's and passes.
 */
export function assertNoPersonalData(fields: Record<string, string | null | undefined>, options: PiiDetectionOptions = {}): void {
  const problems: FieldProblem[] = [];
  const findings: PersonalDataFinding[] = [];
  for (const [field, text] of Object.entries(fields)) {
    if (!text) continue;
    const found = [...detectPii(text, options)].sort((a, b) => a.start - b.start);
    if (found.length === 0) continue;
    problems.push({ field, message: personalDataMessage(field, found) });
    for (const finding of found) findings.push({ field, kind: finding.kind, start: finding.start, end: finding.end });
  }
  if (problems.length > 0) throw new PersonalDataFoundError(problems, findings);
}
