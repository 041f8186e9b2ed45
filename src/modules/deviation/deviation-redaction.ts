import { createHash } from 'node:crypto';
import { findIdNumberNearMisses, maskedIdNumber } from '../../common/pii/id-number-near-miss';
import { detectPii, PII_KIND_PHRASES, PII_MASKS, PiiDetectionOptions, PiiKind } from '../../common/pii/pii-detector';
import { PiiExcerpt, piiExcerpts } from '../../common/pii/pii-excerpt';
import { createFinding } from '../../common/pii/pii-finding';
import { SWEDISH_FUNCTION_WORD_SET } from '../../common/pii/name-stoplist';
import { swedishList } from '../../common/text/swedish-list';
import { DEVIATION_PARTIES, PARTY_LABELS } from './deviation.constants';

/**
 * "Ta bort personuppgift": the pure part. Which texts of a report can be redacted, what the page offers to remove
 * (what the detector finds and numbers that look like mistyped personnummer), and how a text is replaced in strings,
 * JSON and rendered mail. The service (deviation-redaction.service) applies it to every place the text is stored.
 */

/** The report's own texts, in the order the page shows them. */
export const REDACTABLE_FIELDS = ['title', 'description', 'consequence', 'tried', 'resolution'] as const;
export type RedactableField = (typeof REDACTABLE_FIELDS)[number];

/** What a pasted text becomes; a chosen finding becomes its kind's placeholder ("[personnummer borttaget]"). */
export const REDACTION_PLACEHOLDER = '[personuppgift borttagen]';

/** Longest pasted text: one name or number at a time, not a paragraph. */
export const REDACTION_TEXT_MAX = 200;

/** Each field after "ur" in the timeline: "Personuppgift borttagen ur beskrivningen av …". */
export const REDACTED_FIELD_PHRASES: Readonly<Record<RedactableField, string>> = {
  title: 'rubriken',
  description: 'beskrivningen',
  consequence: 'konsekvensen för deltagaren',
  tried: 'det som redan prövats',
  resolution: 'åtgärden',
};

export type RedactableTexts = Partial<Record<RedactableField, string | null>>;

/** One thing the page offers to remove: a finding in a field, named by position and a fingerprint, never by its text. */
export interface RedactionChoice {
  /** `field:start:end:fingerprint`, posted back as is. */
  value: string;
  field: RedactableField;
  kind: PiiKind;
  /** "Ett personnummer i beskrivningen". */
  label: string;
  /** A few words around it, the finding itself masked. */
  quote: PiiExcerpt;
}

/** What a redaction replaces: a text and its placeholder. */
export interface Redaction {
  readonly needle: string;
  readonly placeholder: string;
}

function fingerprint(text: string): string {
  return createHash('sha256').update(`avvikelser:redaction:${text}`).digest('base64url').slice(0, 12);
}

/** A finding as the page may show it: digits hidden but the last two, words shown by their first letter. Keeps the length. */
export function maskedForChoice(text: string): string {
  if (/\d/.test(text)) return maskedIdNumber(text);
  return text.replace(/[\p{L}\p{N}]+/gu, (word) => word.charAt(0) + '•'.repeat(word.length - 1));
}

function upperFirst(text: string): string {
  return text.charAt(0).toLocaleUpperCase('sv') + text.slice(1);
}

interface Found {
  field: RedactableField;
  kind: PiiKind;
  start: number;
  end: number;
}

function findingsIn(texts: RedactableTexts, options: PiiDetectionOptions): Found[] {
  const found: Found[] = [];
  for (const field of REDACTABLE_FIELDS) {
    const text = texts[field];
    if (typeof text !== 'string' || text === '') continue;
    const hard = detectPii(text, options).map((f) => ({ field, kind: f.kind, start: f.start, end: f.end }));
    const near = findIdNumberNearMisses(text, options).map((m) => ({ field, kind: m.kind as PiiKind, start: m.start, end: m.end }));
    found.push(...[...hard, ...near].sort((a, b) => a.start - b.start));
  }
  return found;
}

/** Everything in a report's texts that looks like personal data (the detector's and the near misses), to tick on the page. */
export function redactionChoices(texts: RedactableTexts, options: PiiDetectionOptions = {}): RedactionChoice[] {
  const found = findingsIn(texts, options);
  return found.map((f) => {
    // Every finding in the field masked (in place, the length kept), so the words around this one show no other.
    let text = texts[f.field] as string;
    for (const other of found) {
      if (other.field === f.field) text = text.slice(0, other.start) + maskedForChoice(text.slice(other.start, other.end)) + text.slice(other.end);
    }
    const [quote] = piiExcerpts(text, [createFinding(f.kind, f.start, f.end)]);
    return {
      value: `${f.field}:${f.start}:${f.end}:${fingerprint((texts[f.field] as string).slice(f.start, f.end))}`,
      field: f.field,
      kind: f.kind,
      label: upperFirst(`${PII_KIND_PHRASES[f.kind]} i ${REDACTED_FIELD_PHRASES[f.field]}`),
      quote,
    };
  });
}

/** The redaction a ticked choice stands for, read against the report as it is now; null when the report has changed since. */
export function redactionForChoice(texts: RedactableTexts, value: string, options: PiiDetectionOptions = {}): Redaction | null {
  const match = /^(title|description|consequence|tried|resolution):(\d+):(\d+):([A-Za-z0-9_-]{12})$/.exec(value);
  if (!match) return null;
  const [, field, start, end, print] = match;
  const found = findingsIn(texts, options).find((f) => f.field === field && f.start === Number(start) && f.end === Number(end));
  if (!found) return null;
  const needle = (texts[found.field] as string).slice(found.start, found.end);
  return fingerprint(needle) === print ? { needle, placeholder: PII_MASKS[found.kind] } : null;
}

/** Every occurrence of `needle` replaced. */
export function replaceText(text: string, needle: string, placeholder: string): string {
  return text.split(needle).join(placeholder);
}

/** Every string value in a JSON value with `needle` replaced; keys and shape stay (as deviation_event_redacted in SQL). */
export function replaceInJson(value: unknown, needle: string, placeholder: string): unknown {
  if (typeof value === 'string') return replaceText(value, needle, placeholder);
  if (Array.isArray(value)) return value.map((item) => replaceInJson(item, needle, placeholder));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, replaceInJson(item, needle, placeholder)]));
  }
  return value;
}

/** As the templates escape text (nunjucks autoescape), so a rendered mail's HTML is searched as it was written. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** The text and its HTML-escaped form replaced, for a rendered mail's HTML. */
export function replaceInHtml(html: string, needle: string, placeholder: string): string {
  const escaped = escapeHtml(needle);
  const replaced = replaceText(html, escaped, escapeHtml(placeholder));
  return escaped === needle ? replaced : replaceText(replaced, needle, placeholder);
}

const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * A longer word that holds `needle` inside it ("Botkyrka" for "Bo"), if any: replacing every occurrence would
 * break that word too, so the lead is asked to paste more of the text.
 */
export function wordAround(text: string, needle: string): string | null {
  let from = 0;
  for (;;) {
    const at = text.indexOf(needle, from);
    if (at < 0) return null;
    const before = at > 0 && WORD_CHAR.test(text[at - 1]) && WORD_CHAR.test(needle[0]);
    const after = at + needle.length < text.length && WORD_CHAR.test(text[at + needle.length]) && WORD_CHAR.test(needle[needle.length - 1]);
    if (before || after) {
      let start = at;
      let end = at + needle.length;
      while (start > 0 && WORD_CHAR.test(text[start - 1])) start--;
      while (end < text.length && WORD_CHAR.test(text[end])) end++;
      return text.slice(start, end);
    }
    from = at + 1;
  }
}

/** What the redaction changed, as stored in its event (no text, only where). */
export interface RedactionRecord {
  fields: RedactableField[];
  comments: number;
  log: boolean;
  /** Barriers and letters under way whose texts made of the report's words lost it (absent in records from before). */
  barriers?: number;
  letters?: number;
  /** Ids of letters already sent that quote the text: not rewritten (they left the system), told on the page after. */
  sentLetters?: string[];
}

/** "rubriken, beskrivningen och en kommentar": where a redaction took something out, for the timeline. */
export function redactedPlaces(record: Partial<RedactionRecord>): string {
  const places: string[] = (record.fields ?? []).filter((f) => f in REDACTED_FIELD_PHRASES).map((f) => REDACTED_FIELD_PHRASES[f]);
  const comments = record.comments ?? 0;
  if (comments === 1) places.push('en kommentar');
  else if (comments > 1) places.push(`${comments} kommentarer`);
  if (record.log) places.push('tidslinjen');
  return places.length > 0 ? swedishList(places) : 'avvikelsen';
}

/** What the page says after a redaction (and the API's notice), before what sentLettersNotice adds. */
export const REDACTION_DONE_NOTICE = 'Personuppgiften är borttagen ur avvikelsen. Tidslinjen visar att något togs bort och av vem, men inte vad.';

/** A letter already sent that quotes the removed text, as the notice names it (never by its subject, which may quote it too). */
export interface SentLetterNamed {
  recipient: string;
  referenceNumber: string | null;
  /** YYYY-MM-DD */
  sentOn: string | null;
}

/**
 * What the page adds to its notice after a redaction when the text is in letters already sent: they left the system
 * and are not changed here, so the one who removed it knows to act outside it.
 */
export function sentLettersNotice(letters: readonly SentLetterNamed[]): string {
  if (letters.length === 0) return '';
  const named = letters.map((letter) => {
    const when = letter.sentOn ? ` den ${letter.sentOn}` : '';
    const reference = letter.referenceNumber ? ` (diarienummer ${letter.referenceNumber})` : '';
    return `till ${letter.recipient}${when}${reference}`;
  });
  const which = letters.length === 1 ? 'en skrivelse som redan har skickats' : `${letters.length} skrivelser som redan har skickats`;
  const it = letters.length === 1 ? 'Den' : 'De';
  return (
    `Texten står också i ${which}: ${swedishList(named)}. ${it} ändras inte här, eftersom en skickad skrivelse visar vad som ` +
    'lämnade systemet. Kontakta mottagaren om uppgiften behöver tas bort även där.'
  );
}

/** The parties' codes and names in lower case: "FK", "Försäkringskassan", "Region Stockholm", "kommunen". */
const PARTY_NAMES_LOWER: ReadonlySet<string> = new Set(
  [
    ...DEVIATION_PARTIES,
    ...Object.values(PARTY_LABELS),
    'Arbetsförmedlingen', 'Försäkringskassan', 'kommun', 'kommunen', 'region', 'regionen', 'Region Stockholm', 'Nationella rådet',
    'Nationella rådet för finansiell samordning', 'samordningsförbundet',
  ].map((name) => name.toLocaleLowerCase('sv')),
);

const PASTE_THE_DATA = 'Klistra in själva uppgiften, t.ex. namnet eller numret.';

/**
 * Why a pasted text cannot be personal data on its own, or null. Every occurrence of the text is replaced, in the
 * report and in what is made of it, so a word the reports use as a word would be taken out of every sentence. The
 * rule, kept small so a real name is never refused:
 * - a party's code or name (AF, FK, Försäkringskassan, Region Stockholm …): it names an authority, not a person, and
 *   barrier names end in the codes;
 * - a single word (no space, no digit) of one or two letters: too short to point anyone out ("Bo" goes with the surname);
 * - a single word that is a Swedish function word (pronoun, preposition, conjunction, auxiliary, common adverb:
 *   the closed word class the name detector's stoplist holds, name-stoplist): "inte", "och", "har". A name that is
 *   also one ("Per", "Hans") is pasted with the surname, as the message says.
 * A text of several words or with a digit is never refused here: a name with its surname, a number.
 */
export function pastedTextRefusal(pasted: string): string | null {
  const lower = pasted.toLocaleLowerCase('sv').replace(/\s+/gu, ' ');
  if (PARTY_NAMES_LOWER.has(lower)) {
    return `”${pasted}” är en parts kod eller namn, inte en personuppgift, och står bl.a. i hindrens namn. ${PASTE_THE_DATA}`;
  }
  if (/\s/u.test(pasted) || /\p{N}/u.test(pasted)) return null;
  const letters = pasted.replace(/[^\p{L}]/gu, '');
  if (letters.length < 3) {
    return `”${pasted}” är för kort för att ensamt peka ut någon, och skulle bytas ut överallt där det står. Klistra in hela uppgiften, t.ex. för- och efternamnet eller numret.`;
  }
  if (SWEDISH_FUNCTION_WORD_SET.has(lower)) {
    return `”${pasted}” är ett vanligt ord som inte ensamt kan peka ut någon, och det skulle bytas ut överallt där det står. ${PASTE_THE_DATA}`;
  }
  return null;
}

/** Where the text stands in the report itself, and how many times: "beskrivningen" 2. */
export interface RedactionPlace {
  place: string;
  count: number;
}

/** What a redaction would change, shown before it is made (the page's confirmation, the API's dryRun). */
export interface RedactionPreview {
  /** Occurrences in the report's texts and comments. */
  occurrences: number;
  places: RedactionPlace[];
  /** Lines of the timeline (status comments, resolutions, reasons) that hold it. */
  log: number;
  mails: number;
  barriers: number;
  barrierNames: number;
  letters: number;
  sentLetters: number;
}

function counted(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** "3 förekomster: beskrivningen 2, en kommentar 1; också i tidslinjen, 1 hindernamn och 1 skrivelse under arbete." */
export function redactionPreviewSummary(preview: RedactionPreview): string {
  const head =
    preview.occurrences > 0
      ? `${counted(preview.occurrences, 'förekomst', 'förekomster')} i avvikelsen: ${preview.places.map((p) => `${p.place} ${p.count}`).join(', ')}`
      : 'Ingen förekomst i avvikelsens texter eller kommentarer';
  const also: string[] = [];
  if (preview.log > 0) also.push(`tidslinjen (${counted(preview.log, 'rad', 'rader')})`);
  if (preview.mails > 0) also.push(counted(preview.mails, 'sparat e-postmeddelande', 'sparade e-postmeddelanden'));
  if (preview.barrierNames > 0) also.push(counted(preview.barrierNames, 'hindernamn', 'hindernamn'));
  const otherBarrierTexts = preview.barriers - preview.barrierNames;
  if (otherBarrierTexts > 0) also.push(`termer eller skäl i ${counted(otherBarrierTexts, 'hinder', 'hinder')}`);
  if (preview.letters > 0) also.push(counted(preview.letters, 'skrivelse under arbete', 'skrivelser under arbete'));
  const sent =
    preview.sentLetters > 0
      ? ` Texten står också i ${counted(preview.sentLetters, 'skrivelse som redan har skickats', 'skrivelser som redan har skickats')}; de ändras inte.`
      : '';
  return `${head}${also.length > 0 ? `; också i ${swedishList(also)}` : ''}.${sent}`;
}

/** Occurrences of `needle` in `text`, not overlapping (as replaceText replaces them). */
export function occurrencesOf(text: string, needle: string): number {
  return needle === '' ? 0 : text.split(needle).length - 1;
}
