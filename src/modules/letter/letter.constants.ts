/**
 * A skrivelse's closed vocabularies (codes in the database and API) and the Swedish words users read.
 */

export const LETTER_STATUSES = ['utkast', 'granskad', 'skickad', 'besvarad'] as const;
export type LetterStatus = (typeof LETTER_STATUSES)[number];

export const LETTER_STATUS_LABELS: Record<LetterStatus, string> = {
  utkast: 'Utkast',
  granskad: 'Granskad',
  skickad: 'Skickad',
  besvarad: 'Besvarad',
};

/** The editable parts of a letter, in the order they appear in it. */
export const LETTER_SECTIONS = ['summary', 'evidence', 'consequences', 'triedLocally', 'interfaceRules', 'requestedAction'] as const;
export type LetterSection = (typeof LETTER_SECTIONS)[number];

/** Every free-text field of a letter that the analyst edits; all pass the personal-data guard. */
export const LETTER_TEXT_FIELDS = ['recipient', 'subject', ...LETTER_SECTIONS] as const;
export type LetterTextField = (typeof LETTER_TEXT_FIELDS)[number];

/**
 * The letter's diarienummer and sender: who signs and how to reach them. Staff data, so not checked for personal
 * data as the text is; validated as what they are (an e-mail address, a phone number), and never an identity
 * number (senderIdNumberProblems).
 */
export const LETTER_SENDER_FIELDS = ['referenceNumber', 'signatoryName', 'signatoryTitle', 'contactEmail', 'contactPhone'] as const;
export type LetterSenderField = (typeof LETTER_SENDER_FIELDS)[number];

/** Labels in the editor; the letter prints "Diarienummer:", "E-post:" and "Telefon:". */
export const LETTER_SENDER_LABELS: Record<LetterSenderField, string> = {
  referenceNumber: 'Diarienummer',
  signatoryName: 'Undertecknas av',
  signatoryTitle: 'Titel',
  contactEmail: 'E-post för kontakt',
  contactPhone: 'Telefon för kontakt',
};

/** The title offered with the analyst's name. */
export const DEFAULT_SIGNATORY_TITLE = 'Verksamhetsutvecklare';

/** Headings in the letter, the editor, the print page and the DOCX. */
export const LETTER_SECTION_HEADINGS: Record<LetterSection, string> = {
  summary: 'Bakgrund och hinder',
  evidence: 'Underlag',
  consequences: 'Konsekvenser för deltagarna',
  triedLocally: 'Vad som har prövats lokalt',
  interfaceRules: 'Parter och regelverk som möts',
  requestedAction: 'Vad vi begär',
};

/** How each field is named in a Swedish sentence ("Underlaget innehåller …"). */
export const LETTER_FIELD_NAMES: Record<LetterTextField | LetterSenderField | 'answer', string> = {
  recipient: 'Mottagaren',
  subject: 'Ämnesraden',
  summary: 'Bakgrunden',
  evidence: 'Underlaget',
  consequences: 'Konsekvenserna',
  triedLocally: 'Det som prövats lokalt',
  interfaceRules: 'Avsnittet om parter och regelverk',
  requestedAction: 'Begäran',
  answer: 'Svaret',
  referenceNumber: 'Diarienumret',
  signatoryName: 'Undertecknarens namn',
  signatoryTitle: 'Undertecknarens titel',
  contactEmail: 'E-postadressen för kontakt',
  contactPhone: 'Telefonnumret för kontakt',
};

export const DEFAULT_RECIPIENT = 'Nationella rådet för finansiell samordning';
export const SIGNATURE_TITLE = 'Verksamhetsutvecklare, MIA';
export const SIGNATURE_ORGANISATION = 'MIA – Mobilisering inför arbete';

export const LETTER_FIELD_MAX = { recipient: 500, subject: 300, section: 20_000, answer: 20_000, referenceNumber: 60, signatoryName: 100, signatoryTitle: 100, contactEmail: 254, contactPhone: 25 } as const;

export const LETTER_EVENT_KINDS = ['created', 'refreshed', 'edited', 'reviewed', 'reopened', 'sent', 'answered', 'barrier_merged', 'barrier_restored', 'personal_data_removed'] as const;
export type LetterEventKind = (typeof LETTER_EVENT_KINDS)[number];

export const LETTER_EVENT_LABELS: Record<LetterEventKind, string> = {
  created: 'Utkastet skapades ur hindrets rapporter',
  refreshed: 'Underlaget uppdaterades',
  edited: 'Texten ändrades',
  reviewed: 'Skrivelsen granskades',
  reopened: 'Skrivelsen fördes tillbaka till utkast',
  sent: 'Skrivelsen markerades som skickad',
  answered: 'Svar registrerades',
  barrier_merged: 'Hindret slogs ihop med ett annat',
  barrier_restored: 'Hindret återställdes',
  personal_data_removed: 'Personuppgift borttagen ur skrivelsen, sedan den tagits bort ur en avvikelse i underlaget',
};

/** Parties as the letter names them: who, whose rules (genitive), and the one party a single report names. */
export const PARTY_NAMES: Record<string, { name: string; genitive: string; single: string }> = {
  FK: { name: 'Försäkringskassan', genitive: 'Försäkringskassans', single: 'Försäkringskassan' },
  AF: { name: 'Arbetsförmedlingen', genitive: 'Arbetsförmedlingens', single: 'Arbetsförmedlingen' },
  KOMMUN: { name: 'kommunerna', genitive: 'kommunernas', single: 'kommunen' },
  REGION: { name: 'Region Stockholm', genitive: 'Region Stockholms', single: 'Region Stockholm' },
  ANNAN: { name: 'andra aktörer (t.ex. skola, CSN eller utförare)', genitive: 'andra aktörers', single: 'en annan aktör (till exempel skola, CSN eller en utförare)' },
};
