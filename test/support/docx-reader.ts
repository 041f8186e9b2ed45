import { inflateRawSync } from 'node:zlib';

/**
 * Reads a .docx (a ZIP) back for tests: `docx` writes documents but ships no reader. Only what
 * a test needs: the stored or deflated entries, by name, from the central directory.
 */
export function unzipEntries(zip: Buffer): Map<string, Buffer> {
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('Not a ZIP file: no end of central directory');
  const count = zip.readUInt16LE(end + 10);
  let offset = zip.readUInt32LE(end + 16);
  const entries = new Map<string, Buffer>();
  for (let n = 0; n < count; n++) {
    if (zip.readUInt32LE(offset) !== 0x02014b50) throw new Error('Broken ZIP central directory');
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const data = zip.subarray(dataStart, dataStart + compressedSize);
    if (method === 0) entries.set(name, Buffer.from(data));
    else if (method === 8) entries.set(name, inflateRawSync(data));
    else throw new Error(`ZIP method ${method} not supported`);
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_m, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

/** The text of each paragraph of word/document.xml (runs joined, tabs as \t), table cells included. */
export function docxParagraphs(documentXml: string): string[] {
  const paragraphs: string[] = [];
  for (const match of documentXml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)) {
    let text = '';
    for (const piece of match[0].matchAll(/<w:t(?:\s[^>]*)?>([\s\S]*?)<\/w:t>|<w:tab\/>/g)) text += piece[1] === undefined ? '\t' : decodeXml(piece[1]);
    paragraphs.push(text);
  }
  return paragraphs;
}

/** Rows of every table: each row's cells' text. */
export function docxTableRows(documentXml: string): string[][] {
  const rows: string[][] = [];
  for (const row of documentXml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)) {
    rows.push([...row[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((cell) => docxParagraphs(cell[0]).join(' ')));
  }
  return rows;
}
