/** RFC 4180 CSV: quoted fields may hold the delimiter, quotes ("") and line breaks. */

export interface CsvRecord {
  /** 1-based line where the record starts, for error messages. */
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

/** Guesses ; or , from the header line (Swedish Excel writes ;). */
export function detectDelimiter(headerLine: string): ',' | ';' {
  const outsideQuotes = headerLine.replace(/"[^"]*"/g, '');
  return (outsideQuotes.match(/;/g)?.length ?? 0) > (outsideQuotes.match(/,/g)?.length ?? 0) ? ';' : ',';
}

export function parseCsv(input: string, delimiter?: ',' | ';'): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const sep = delimiter ?? detectDelimiter(text.slice(0, text.search(/\r?\n/) === -1 ? undefined : text.search(/\r?\n/)));
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedFieldClosed = false;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    quotedFieldClosed = false;
  };
  while (i < text.length) {
    const char = text[i];
    if (inQuotes) {
      if (char === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        quotedFieldClosed = true;
        i += 1;
        continue;
      }
      if (char === '\n') line += 1;
      field += char;
      i += 1;
      continue;
    }
    if (char === '"') {
      if (field !== '' || quotedFieldClosed) throw new CsvSyntaxError(line, 'citattecken mitt i ett fält (omge hela fältet med " och skriv "" för ett citattecken)');
      inQuotes = true;
      i += 1;
      continue;
    }
    if (char === sep) {
      fields.push(field);
      field = '';
      quotedFieldClosed = false;
      i += 1;
      continue;
    }
    if (char === '\r' && text[i + 1] === '\n') {
      i += 1;
      continue;
    }
    if (char === '\n') {
      endRecord();
      line += 1;
      recordLine = line;
      i += 1;
      continue;
    }
    if (quotedFieldClosed) throw new CsvSyntaxError(line, 'tecken efter ett avslutat citerat fält');
    field += char;
    i += 1;
  }
  if (inQuotes) throw new CsvSyntaxError(recordLine, 'ett citerat fält avslutas aldrig (saknar ")');
  if (field !== '' || fields.length > 0) endRecord();
  return records;
}

function escapeField(value: string, delimiter: string): string {
  // A leading =, +, - or @ would run as a formula in Excel; prefix with ' (OWASP CSV injection).
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /["\r\n]/.test(safe) || safe.includes(delimiter) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsvLine(values: ReadonlyArray<string | number | null | undefined>, delimiter: ',' | ';' = ','): string {
  return values.map((value) => escapeField(value === null || value === undefined ? '' : String(value), delimiter)).join(delimiter) + '\r\n';
}
