import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  HeadingLevel,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  WidthType,
} from 'docx';
import { LetterBlock, LetterDocumentModel, LetterTable } from './letter-document';

/**
 * The letter as a Word document, from the same model as the print page: sender and recipient,
 * date, subject, one heading per section, the evidence tables, and the signature block.
 * Real headings and table header rows, so screen readers and Word's navigation pane work.
 */

const BODY_SIZE = 23; // half-points: 11.5 pt
const CELL_BORDER = { style: BorderStyle.SINGLE, size: 4, color: '8A8A8A' };

function paragraph(
  text: string,
  options: { bold?: boolean; spacingAfter?: number; alignment?: (typeof AlignmentType)[keyof typeof AlignmentType]; keepNext?: boolean; keepLines?: boolean } = {},
): Paragraph {
  return new Paragraph({
    alignment: options.alignment,
    keepNext: options.keepNext,
    keepLines: options.keepLines,
    spacing: { after: options.spacingAfter ?? 160 },
    children: [new TextRun({ text, bold: options.bold })],
  });
}

/** `closing`: the letter's last block, kept whole and with the signature after it (see buildLetterDocx). */
function blockParagraphs(block: LetterBlock, closing = false): Paragraph[] {
  if (block.kind === 'paragraph') return [paragraph(block.text, { keepNext: closing || undefined, keepLines: closing || undefined })];
  // A dash and a hanging indent rather than Word numbering: it survives copy and paste into mail.
  return block.items.map(
    (item, index) =>
      new Paragraph({
        keepNext: closing || undefined,
        keepLines: closing || undefined,
        indent: { left: 360, hanging: 360 },
        spacing: { after: index === block.items.length - 1 ? 160 : 60 },
        children: [new TextRun({ text: `–\t${item}` })],
        tabStops: [{ type: 'left', position: 360 }],
      }),
  );
}

function cell(text: string, options: { header: boolean; numeric: boolean }): TableCell {
  return new TableCell({
    borders: { top: CELL_BORDER, bottom: CELL_BORDER, left: CELL_BORDER, right: CELL_BORDER },
    margins: { top: 60, bottom: 60, left: 100, right: 100 },
    shading: options.header ? { fill: 'E8ECF1', type: 'clear', color: 'auto' } : undefined,
    children: [
      new Paragraph({
        alignment: options.numeric ? AlignmentType.RIGHT : AlignmentType.LEFT,
        children: [new TextRun({ text, bold: options.header })],
      }),
    ],
  });
}

/** A caption and its table on one page, as the print page keeps them (each row kept with the next, the caption with the table). */
function table(model: LetterTable): Array<Paragraph | Table> {
  return [
    new Paragraph({ heading: HeadingLevel.HEADING_3, keepNext: true, spacing: { before: 200, after: 80 }, children: [new TextRun(model.caption)] }),
    new Table({
      width: { size: 100, type: WidthType.PERCENTAGE },
      rows: [
        new TableRow({ tableHeader: true, keepNext: true, children: model.headers.map((header, i) => cell(header, { header: true, numeric: model.numeric[i] ?? false })) }),
        ...model.rows.map(
          (row, index) =>
            new TableRow({
              cantSplit: true,
              keepNext: index < model.rows.length - 1,
              children: row.map((value, i) => cell(value, { header: false, numeric: model.numeric[i] ?? false })),
            }),
        ),
      ],
    }),
  ];
}

export function buildLetterDocx(model: LetterDocumentModel): Document {
  const children: Array<Paragraph | Table> = [];
  for (const line of model.senderLines) children.push(paragraph(line, { bold: true, spacingAfter: 0 }));
  children.push(paragraph('', { spacingAfter: 240 }));
  for (const line of model.recipientLines) children.push(paragraph(line, { spacingAfter: 0 }));
  children.push(paragraph(`Datum: ${model.date}`, { alignment: AlignmentType.RIGHT, spacingAfter: model.reference ? 0 : 360 }));
  if (model.reference) children.push(paragraph(`Diarienummer: ${model.reference}`, { alignment: AlignmentType.RIGHT, spacingAfter: 360 }));
  // Headings are kept with what follows them, so none is left alone at the foot of a page.
  children.push(new Paragraph({ heading: HeadingLevel.HEADING_1, keepNext: true, spacing: { after: 240 }, children: [new TextRun(model.subject)] }));
  model.sections.forEach((section, sectionIndex) => {
    children.push(new Paragraph({ heading: HeadingLevel.HEADING_2, keepNext: true, spacing: { before: 240, after: 120 }, children: [new TextRun(section.heading)] }));
    // The last block of the letter goes with the signature, so "Med vänlig hälsning" never opens a page alone.
    const closingBlock = sectionIndex === model.sections.length - 1 && section.tables.length === 0 ? section.blocks.length - 1 : -1;
    section.blocks.forEach((block, blockIndex) => children.push(...blockParagraphs(block, blockIndex === closingBlock)));
    for (const evidenceTable of section.tables) children.push(...table(evidenceTable));
  });
  children.push(paragraph('Med vänlig hälsning', { spacingAfter: 600, keepNext: true, keepLines: true }));
  model.signature.forEach((line, i) => children.push(paragraph(line, { spacingAfter: 0, keepNext: i < model.signature.length - 1, keepLines: true })));

  return new Document({
    title: model.subject,
    subject: model.subject,
    creator: 'Avvikelser MIA',
    description: 'Skrivelse om ett strukturellt hinder, med underlag ur avvikelserapporter.',
    styles: {
      default: {
        document: { run: { font: 'Calibri', size: BODY_SIZE, language: { value: 'sv-SE' } } },
        heading1: { run: { font: 'Calibri', size: 32, bold: true, color: '000000' } },
        heading2: { run: { font: 'Calibri', size: 26, bold: true, color: '000000' } },
        heading3: { run: { font: 'Calibri', size: BODY_SIZE, bold: true, color: '000000' } },
      },
    },
    sections: [
      {
        properties: { page: { margin: { top: 1418, bottom: 1418, left: 1418, right: 1418 } } },
        footers: {
          default: new Footer({
            children: [
              new Paragraph({
                alignment: AlignmentType.CENTER,
                children: [new TextRun({ children: ['Sida ', PageNumber.CURRENT, ' av ', PageNumber.TOTAL_PAGES], size: 18 })],
              }),
            ],
          }),
        },
        children,
      },
    ],
  });
}

export function renderLetterDocx(model: LetterDocumentModel): Promise<Buffer> {
  return Packer.toBuffer(buildLetterDocx(model));
}
