/** Kinds of participant personal data that must never be stored in a deviation report. */
export const PII_KINDS = ['personnummer', 'samordningsnummer', 'telefonnummer', 'epost', 'namn'] as const;

export type PiiKind = (typeof PII_KINDS)[number];

/** Swedish label of each kind, for messages shown to the reporter and for logs. */
export const PII_KIND_LABELS: Readonly<Record<PiiKind, string>> = {
  personnummer: 'personnummer',
  samordningsnummer: 'samordningsnummer',
  telefonnummer: 'telefonnummer',
  epost: 'e-postadress',
  namn: 'namn',
};

/** Each kind as a Swedish noun phrase, for "… innehåller något som liknar <phrase>". */
export const PII_KIND_PHRASES: Readonly<Record<PiiKind, string>> = {
  personnummer: 'ett personnummer',
  samordningsnummer: 'ett samordningsnummer',
  telefonnummer: 'ett telefonnummer',
  epost: 'en e-postadress',
  namn: 'ett namn',
};

/** What the masker writes in place of each kind. */
export const PII_MASKS: Readonly<Record<PiiKind, string>> = {
  personnummer: '[personnummer borttaget]',
  samordningsnummer: '[samordningsnummer borttaget]',
  telefonnummer: '[telefonnummer borttaget]',
  epost: '[e-postadress borttagen]',
  namn: '[namn borttaget]',
};

/**
 * One piece of personal data found in a text. It deliberately carries offsets only, never the
 * matched text, so a finding can be logged or serialised without leaking what it points at.
 */
export interface PiiFinding {
  readonly kind: PiiKind;
  /** Swedish label of the kind. */
  readonly label: string;
  /** Offset of the first UTF-16 code unit of the match. */
  readonly start: number;
  /** Offset just past the match. */
  readonly end: number;
}

export function createFinding(kind: PiiKind, start: number, end: number): PiiFinding {
  return { kind, label: PII_KIND_LABELS[kind], start, end };
}

export function emptyPiiCounts(): Record<PiiKind, number> {
  return { personnummer: 0, samordningsnummer: 0, telefonnummer: 0, epost: 0, namn: 0 };
}
