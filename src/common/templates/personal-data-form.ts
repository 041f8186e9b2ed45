import { DomainError } from '../errors/domain-error';
import { findIdNumberNearMisses, idNumberFingerprint, maskedIdNumber, removeIdNumberNearMisses } from '../pii/id-number-near-miss';
import { detectPii, maskPii, PII_KIND_PHRASES, PiiDetectionOptions, PiiKind } from '../pii/pii-detector';
import { PiiExcerpt, piiExcerpts } from '../pii/pii-excerpt';
import { createFinding } from '../pii/pii-finding';
import { FormValues } from '../validation/validation';
import { swedishList } from '../text/swedish-list';

/**
 * The button "Ta bort personuppgifterna åt mig" posts the form with this field. The form's own
 * handler then shows the form again with placeholders instead of storing anything.
 */
export const PII_REMOVAL_FIELD = '_personuppgifter';
export const PII_REMOVAL_VALUE = 'ta-bort';

/**
 * A number that looks like a mistyped personnummer (id-number-near-miss) stops a form once: "Ta bort numret
 * åt mig" posts PII_REMOVAL_FIELD with this value and gets the form back with placeholders; "Det är inte ett
 * personnummer – skicka ändå" posts ID_NUMBER_CONFIRM_FIELD with the fingerprints of the numbers asked about,
 * so the form goes through for exactly those (a number typed later is asked about in its turn).
 */
export const ID_NUMBER_REMOVAL_VALUE = 'ta-bort-nummer';
export const ID_NUMBER_CONFIRM_FIELD = '_inte_personnummer';

/**
 * A form posted with "Ta bort personuppgifterna åt mig" after the login ended comes back (ResumableForms)
 * with that same button, so "press it again" is true; the text is unchanged until then.
 */
export function resumedButton<T extends { label: string; name?: string; value?: string }>(values: unknown, button: T): T | { label: string; name: string; value: string } {
  return wantsPiiRemoval(values) ? { label: 'Ta bort personuppgifterna åt mig', name: PII_REMOVAL_FIELD, value: PII_REMOVAL_VALUE } : button;
}

/** Said above the refused form; the quotes below say where. */
export const PERSONAL_DATA_FORM_MESSAGE =
  'Texten innehåller något som liknar personuppgifter om en deltagare. Inget har sparats. Det som hittades är markerat nedan: skriv om det, eller låt oss ta bort det åt dig.';

/** Said above a form stopped for a number that looks like a mistyped personnummer; the quotes below say where. */
export const ID_NUMBER_FORM_MESSAGE =
  'Texten innehåller ett nummer som ser ut som ett personnummer eller samordningsnummer, kanske felskrivet. Inget har sparats ännu.';

const COUNT_WORDS: Readonly<Record<number, string>> = { 2: 'två', 3: 'tre', 4: 'fyra', 5: 'fem', 6: 'sex' };

/** More places than this in one field are counted, not quoted: the list must fit on a phone. */
const MAX_QUOTES = 5;

/** One refused field on a page: what was found (no positions) and where, in the writer's own words. */
export interface PersonalDataNotice {
  field: string;
  message: string;
  quotes: PiiExcerpt[];
  /** Places found but not quoted. */
  more: number;
  /** Set for a number that looks like a mistyped personnummer: the quotes show it masked, and the form asks once. */
  nearMiss?: IdNumberQuestion;
}

/** What the error summary offers for numbers that look like mistyped personnummer. */
export interface IdNumberQuestion {
  /** More than one number: the buttons speak of them in the plural. */
  several: boolean;
  /** The value "Det är inte ett personnummer – skicka ändå" posts: fingerprints of every number asked about or vouched for. */
  confirm: string;
  /** The button the form goes on with; '' for a form with a button per action, where a checkbox says it instead. */
  next: string;
}

/** What a form shows after "Ta bort personuppgifterna åt mig". */
export interface PersonalDataRemovedNotice {
  /** The changed fields in Swedish, lower case, e.g. ["rubriken", "beskrivningen"]. */
  fields: string[];
  /** The same as one phrase: "rubriken och beskrivningen". */
  where: string;
  /** What to press next, e.g. "Skicka avvikelsen"; '' for a form with a button per action. */
  next: string;
  /** "Ta bort numret åt mig": only numbers that looked like personnummer were taken out. */
  numbers?: boolean;
}

/** The part of a page's form state this feature adds. */
export interface PersonalDataFormState {
  values: FormValues;
  errors: Record<string, string>;
  formError?: string;
  personalData?: Record<string, PersonalDataNotice>;
  piiRemoved?: PersonalDataRemovedNotice;
  /** Numbers the writer has said are not personnummer (ID_NUMBER_CONFIRM_FIELD), carried when the form comes back for another reason. */
  idNumbersConfirmed?: string;
}

export function wantsPiiRemoval(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && (raw as Record<string, unknown>)[PII_REMOVAL_FIELD] === PII_REMOVAL_VALUE;
}

export function wantsIdNumberRemoval(raw: unknown): boolean {
  return raw !== null && typeof raw === 'object' && (raw as Record<string, unknown>)[PII_REMOVAL_FIELD] === ID_NUMBER_REMOVAL_VALUE;
}

const FINGERPRINT = /^[A-Za-z0-9_-]{16}$/;

/** The fingerprints posted with "Det är inte ett personnummer – skicka ändå" (a button, a checkbox and a hidden field may each carry some). */
export function confirmedIdNumbers(raw: unknown): string[] {
  if (raw === null || typeof raw !== 'object') return [];
  const posted = (raw as Record<string, unknown>)[ID_NUMBER_CONFIRM_FIELD];
  const values = Array.isArray(posted) ? posted : [posted];
  const found = values.filter((v): v is string => typeof v === 'string').flatMap((v) => v.split('.'));
  return [...new Set(found.filter((v) => FINGERPRINT.test(v)))];
}

/** Line breaks and runs of spaces as one space, as the barrier checks read a text. */
function tidied(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLocaleLowerCase('sv') + text.slice(1);
}

/** One field's notice, detected on the text exactly as the form shows it again; null when nothing is found there. */
export function personalDataNotice(field: string, text: string, fieldName: string, options: PiiDetectionOptions = {}): PersonalDataNotice | null {
  const findings = detectPii(text, options);
  if (findings.length === 0) return null;
  const kinds = [...new Set(findings.map((f) => f.kind))].map((kind) => PII_KIND_PHRASES[kind]);
  const quotes = piiExcerpts(text, findings);
  return {
    field,
    message: `${fieldName} innehåller något som liknar ${swedishList(kinds)}:`,
    quotes: quotes.slice(0, MAX_QUOTES),
    more: Math.max(0, quotes.length - MAX_QUOTES),
  };
}

/** The kinds a refusal names for one field (details.findings, as the deviation and letter checks give them). */
function refusedKinds(refused: DomainError, field: string): PiiKind[] {
  const findings = refused.details?.findings;
  if (!Array.isArray(findings)) return [];
  const kinds: PiiKind[] = [];
  for (const finding of findings as unknown[]) {
    if (finding === null || typeof finding !== 'object') continue;
    const { field: where, kind } = finding as { field?: unknown; kind?: unknown };
    if (where === field && typeof kind === 'string' && kind in PII_KIND_PHRASES && !kinds.includes(kind as PiiKind)) kinds.push(kind as PiiKind);
  }
  return kinds;
}

/**
 * A form refused for personal data, as the page shows it: each refused field's message names the
 * kind without character positions and carries quotes of the writer's text. Only fields whose error
 * is the personal-data one change; a field's own validation message is left as it is. `message` is
 * said above the form (default PERSONAL_DATA_FORM_MESSAGE).
 */
export function withPersonalDataNotices<T extends PersonalDataFormState>(
  state: T,
  refused: DomainError,
  fieldNames: Readonly<Record<string, string>>,
  options: PiiDetectionOptions = {},
  message = PERSONAL_DATA_FORM_MESSAGE,
): T {
  if (refused.code !== 'personal_data_found') return state;
  const errors = { ...state.errors };
  const personalData: Record<string, PersonalDataNotice> = {};
  const findings = refused.details?.findings;
  for (const problem of refused.fields) {
    if (errors[problem.field] !== problem.message) continue;
    // Refused in the same round for another reason (a letter's sender field, a date): its own message says what to fix.
    if (Array.isArray(findings) && refusedKinds(refused, problem.field).length === 0) continue;
    const value = state.values[problem.field];
    const name = fieldNames[problem.field] ?? 'Texten';
    // Some services check the text tidied: quote that if the text as typed shows nothing.
    const notice = typeof value === 'string' ? (personalDataNotice(problem.field, value, name, options) ?? personalDataNotice(problem.field, tidied(value), name, options)) : null;
    if (notice) {
      errors[problem.field] = notice.message;
      personalData[problem.field] = notice;
    } else {
      // Nothing to quote: still the kind, never the API's character positions, which nobody counts on a phone.
      const kinds = refusedKinds(refused, problem.field).map((kind) => PII_KIND_PHRASES[kind]);
      errors[problem.field] = `${name} innehåller något som liknar ${kinds.length > 0 ? swedishList(kinds) : 'personuppgifter'}. Skriv om utan personuppgifter.`;
    }
  }
  if (Object.keys(personalData).length === 0) return { ...state, errors };
  return { ...state, errors, formError: message, personalData };
}

/**
 * One field's notice for numbers that look like a mistyped personnummer or samordningsnummer and that the
 * writer has not vouched for; null when there are none. Unlike the refusal's quotes, the number itself is
 * shown masked ("••••••-••34"): it may be a real person's number, and the writer finds it by the words around it.
 */
export function idNumberNotice(
  field: string,
  text: string,
  fieldName: string,
  options: PiiDetectionOptions = {},
  confirmed: readonly string[] = [],
): { notice: PersonalDataNotice; fingerprints: string[] } | null {
  const misses = findIdNumberNearMisses(text, options).filter((miss) => !confirmed.includes(idNumberFingerprint(text.slice(miss.start, miss.end))));
  if (misses.length === 0) return null;
  const quotes = piiExcerpts(
    text,
    misses.map((miss) => createFinding(miss.kind, miss.start, miss.end)),
  ).map((quote) => ({ ...quote, segments: quote.segments.map((segment) => (segment.marked ? { ...segment, text: maskedIdNumber(segment.text) } : segment)) }));
  const kinds = [...new Set(misses.map((miss) => miss.kind))];
  const what =
    misses.length > 1
      ? `${COUNT_WORDS[misses.length] ?? misses.length} nummer som ser ut som ${kinds.join(' eller ')}`
      : `ett nummer som ser ut som ${PII_KIND_PHRASES[misses[0].kind]}`;
  return {
    notice: {
      field,
      message: `${fieldName} innehåller ${what}:`,
      quotes: quotes.slice(0, MAX_QUOTES),
      more: Math.max(0, quotes.length - MAX_QUOTES),
    },
    fingerprints: misses.map((miss) => idNumberFingerprint(text.slice(miss.start, miss.end))),
  };
}

/**
 * The form asks once about numbers that look like mistyped personnummer (id-number-near-miss), beside the
 * form's other problems. Not while something is refused as personal data: that is fixed first, and the
 * near misses come up on the next post. A field with its own error keeps it.
 */
export function withIdNumberQuestions<T extends PersonalDataFormState>(
  state: T,
  texts: readonly string[],
  fieldNames: Readonly<Record<string, string>>,
  next: string,
  options: PiiDetectionOptions = {},
  confirmed: readonly string[] = [],
): T {
  if (state.personalData && Object.keys(state.personalData).length > 0) return state;
  const errors = { ...state.errors };
  const notices: Record<string, PersonalDataNotice> = {};
  const fingerprints: string[] = [];
  for (const field of texts) {
    const value = state.values[field];
    if (typeof value !== 'string' || errors[field] !== undefined) continue;
    const found = idNumberNotice(field, value, fieldNames[field] ?? 'Texten', options, confirmed);
    if (!found) continue;
    errors[field] = found.notice.message;
    notices[field] = found.notice;
    fingerprints.push(...found.fingerprints);
  }
  if (fingerprints.length === 0) return state;
  const question: IdNumberQuestion = { several: fingerprints.length > 1, confirm: [...new Set([...confirmed, ...fingerprints])].join('.'), next };
  for (const notice of Object.values(notices)) notice.nearMiss = question;
  return { ...state, errors, formError: state.formError ?? ID_NUMBER_FORM_MESSAGE, personalData: notices };
}

/** The form state after "Ta bort numret åt mig": every near miss in the text fields replaced by its placeholder. */
export function idNumbersRemovedState(
  values: FormValues,
  fields: readonly string[],
  fieldNames: Readonly<Record<string, string>>,
  next: string,
  options: PiiDetectionOptions = {},
): PersonalDataFormState {
  const result: FormValues = { ...values };
  delete result[PII_REMOVAL_FIELD];
  delete result[ID_NUMBER_CONFIRM_FIELD];
  const changed: string[] = [];
  for (const field of fields) {
    const original = values[field];
    if (typeof original !== 'string') continue;
    const removal = removeIdNumberNearMisses(original, options);
    if (removal.removed === 0) continue;
    result[field] = removal.text;
    changed.push(lowerFirst(fieldNames[field] ?? 'Texten'));
  }
  return { values: result, errors: {}, piiRemoved: { fields: changed, where: swedishList(changed), next, numbers: true } };
}

/**
 * Masks the given text fields with the detector's placeholders ("[personnummer borttaget]"), keeping
 * every other value. Masks again if a placeholder made a new finding, so the text is then accepted.
 */
export function removePersonalData(
  values: FormValues,
  fields: readonly string[],
  fieldNames: Readonly<Record<string, string>>,
  options: PiiDetectionOptions = {},
): { values: FormValues; changed: string[] } {
  const result: FormValues = { ...values };
  delete result[PII_REMOVAL_FIELD];
  const changed: string[] = [];
  for (const field of fields) {
    const original = values[field];
    if (typeof original !== 'string') continue;
    let text = original;
    for (let round = 0; round < 3; round++) {
      if (detectPii(text, options).length > 0) text = maskPii(text, options).text;
      // A name across a line break is found once the text is tidied, as some services check it: mask that text.
      else if (detectPii(tidied(text), options).length > 0) text = maskPii(tidied(text), options).text;
      else break;
    }
    if (text === original) continue;
    result[field] = text;
    changed.push(lowerFirst(fieldNames[field] ?? 'Texten'));
  }
  return { values: result, changed };
}

/** The form state after "Ta bort personuppgifterna åt mig": masked values and a notice saying what to do next. */
export function personalDataRemovedState(
  values: FormValues,
  fields: readonly string[],
  fieldNames: Readonly<Record<string, string>>,
  next: string,
  options: PiiDetectionOptions = {},
): PersonalDataFormState {
  const removal = removePersonalData(values, fields, fieldNames, options);
  return { values: removal.values, errors: {}, piiRemoved: { fields: removal.changed, where: swedishList(removal.changed), next } };
}
