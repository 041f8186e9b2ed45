import { LETTER_SECTION_HEADINGS, LETTER_SECTIONS, LetterSection, LetterSenderField, SIGNATURE_ORGANISATION, SIGNATURE_TITLE } from './letter.constants';
import { LetterEvidence, QuarterCount, TREND_LABELS, trendWindows } from './letter-evidence';

/**
 * One description of the finished letter that both the print page (nunjucks) and the DOCX
 * (the `docx` package) are made from, so the two never say different things.
 */

export type LetterBlock = { kind: 'paragraph'; text: string } | { kind: 'list'; items: string[] };

export interface LetterTable {
  caption: string;
  headers: string[];
  rows: string[][];
  /** Columns to right-align (numbers). */
  numeric: boolean[];
}

export interface LetterDocumentSection {
  key: LetterSection;
  heading: string;
  blocks: LetterBlock[];
  tables: LetterTable[];
}

export interface LetterDocumentModel {
  recipientLines: string[];
  senderLines: string[];
  /** YYYY-MM-DD */
  date: string;
  /** The diarienummer, printed under the date; null when there is none. */
  reference: string | null;
  subject: string;
  sections: LetterDocumentSection[];
  /** Name, title and organisation, then "E-post: …" and "Telefon: …" when given. */
  signature: string[];
}

/** Diarienummer and sender as stored; null or '' is left out of the letter. */
export type LetterSenderLines = Partial<Record<LetterSenderField, string | null>>;

/**
 * Who signs: the name and title given, with the organisation; without either, the function as before
 * ("Verksamhetsutvecklare, MIA"). The contact lines follow, so the recipient knows whom to answer.
 */
export function signatureLines(sender: LetterSenderLines): string[] {
  const present = (value: string | null | undefined): string | null => (value && value.trim() !== '' ? value.trim() : null);
  const name = present(sender.signatoryName);
  const title = present(sender.signatoryTitle);
  const lines = name || title ? [name, title, SIGNATURE_ORGANISATION].filter((line): line is string => line !== null) : [SIGNATURE_TITLE, SIGNATURE_ORGANISATION];
  const email = present(sender.contactEmail);
  const phone = present(sender.contactPhone);
  if (email) lines.push(`E-post: ${email}`);
  if (phone) lines.push(`Telefon: ${phone}`);
  return lines;
}

export type LetterTexts = Record<'recipient' | 'subject' | LetterSection, string>;

const LIST_ITEM = /^\s*[–\-•*]\s+/u;

/** Paragraphs are separated by blank lines; lines starting with "–" or "-" are list items. */
export function toBlocks(text: string): LetterBlock[] {
  const blocks: LetterBlock[] = [];
  for (const chunk of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    let paragraph: string[] = [];
    let list: string[] = [];
    const flushParagraph = (): void => {
      if (paragraph.length) blocks.push({ kind: 'paragraph', text: paragraph.join(' ') });
      paragraph = [];
    };
    const flushList = (): void => {
      if (list.length) blocks.push({ kind: 'list', items: list });
      list = [];
    };
    for (const rawLine of chunk.split('\n')) {
      const line = rawLine.trim();
      if (line === '') continue;
      if (LIST_ITEM.test(line)) {
        flushParagraph();
        list.push(line.replace(LIST_ITEM, ''));
      } else if (list.length && /^\s/.test(rawLine)) {
        // An indented line continues the list item above it.
        list[list.length - 1] += ` ${line}`;
      } else {
        flushList();
        paragraph.push(line);
      }
    }
    flushParagraph();
    flushList();
  }
  return blocks;
}

/** "2026 K2–K3" or "2025 K4–2026 K1" for a run of quarters, "2026 K3" for one. */
function quarterSpan(quarters: readonly QuarterCount[]): string {
  const first = quarters[0].label;
  const last = quarters[quarters.length - 1].label;
  if (quarters.length === 1) return first;
  return first.slice(0, 4) === last.slice(0, 4) ? `${first}–${last.slice(5)}` : `${first}–${last}`;
}

/**
 * The trend row names the quarters it compares, as the sentence above the tables does: "the last half-year"
 * was wrong when the last report is a year old, and when only one quarter is set against one.
 */
function trendRow(evidence: LetterEvidence): string[] {
  const windows = trendWindows(evidence.quarters);
  if (!windows) return ['Utveckling', 'alla rapporter under samma kvartal'];
  return [`Utveckling ${quarterSpan(windows.recent)} mot ${quarterSpan(windows.before)}`, TREND_LABELS[evidence.trend]];
}

export function evidenceTables(evidence: LetterEvidence): LetterTable[] {
  const period = evidence.periodFrom && evidence.periodTo ? `${evidence.periodFrom} – ${evidence.periodTo}` : '–';
  return [
    {
      caption: 'Nyckeltal',
      headers: ['Uppgift', 'Värde'],
      rows: [
        ['Antal rapporter', String(evidence.reportCount)],
        ['Antal kommuner', String(evidence.municipalities.length)],
        ['Antal delprojekt', String(evidence.subprojects.length)],
        ['Period', period],
        trendRow(evidence),
        ['Rapporter med hög allvarlighetsgrad', String(evidence.severeCount)],
      ],
      numeric: [false, false],
    },
    {
      caption: 'Rapporter per kvartal',
      headers: ['Kvartal', 'Antal rapporter'],
      rows: evidence.quarters.map((q) => [q.label, String(q.count)]),
      numeric: [false, true],
    },
    {
      caption: 'Rapporter per kommun',
      headers: ['Kommun', 'Delprojekt', 'Antal rapporter'],
      rows: evidence.municipalities.map((m) => [m.name, m.subproject, String(m.count)]),
      numeric: [false, false, true],
    },
  ];
}

export function buildLetterDocument(texts: LetterTexts, evidence: LetterEvidence, date: string, sender: LetterSenderLines = {}): LetterDocumentModel {
  const sections: LetterDocumentSection[] = [];
  for (const key of LETTER_SECTIONS) {
    const blocks = toBlocks(texts[key]);
    const tables = key === 'evidence' ? evidenceTables(evidence) : [];
    if (blocks.length === 0 && tables.length === 0) continue;
    sections.push({ key, heading: LETTER_SECTION_HEADINGS[key], blocks, tables });
  }
  return {
    recipientLines: texts.recipient.split('\n').map((line) => line.trim()).filter((line) => line !== ''),
    senderLines: [SIGNATURE_ORGANISATION],
    date,
    reference: sender.referenceNumber?.trim() || null,
    subject: texts.subject.trim(),
    sections,
    signature: signatureLines(sender),
  };
}
