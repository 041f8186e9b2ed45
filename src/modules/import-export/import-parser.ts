import { CsvSyntaxError, parseCsv } from '../../common/csv/csv';
import { stripNul } from '../../common/validation/strip-nul';
import { EXPORT_ONLY_COLUMNS, HISTORY_COLUMNS, IMPORT_COLUMNS } from './dto/deviation-import-row.dto';

export type ImportFormat = 'jsonl' | 'csv';

export interface RawImportRow {
  line: number;
  value: Record<string, unknown>;
}

export interface ImportLineError {
  line: number;
  reason: string;
}

export interface ParsedImport {
  rows: RawImportRow[];
  errors: ImportLineError[];
}

export function formatFromFileName(name: string): ImportFormat | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  return null;
}

/** JSONL: one object per line; a broken line is reported with its number and the rest still read. */
export function parseJsonl(text: string): ParsedImport {
  const rows: RawImportRow[] = [];
  const errors: ImportLineError[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((content, index) => {
    const line = index + 1;
    if (content.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(content);
    } catch {
      errors.push({ line, reason: 'raden är inte giltig JSON' });
      return;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      errors.push({ line, reason: 'raden måste vara ett JSON-objekt med fälten externalId, kommun, occurredOn …' });
      return;
    }
    rows.push({ line, value: stripNul(value as Record<string, unknown>) });
  });
  return { rows, errors };
}

/** CSV with a header row naming the same columns as the JSONL format (any order; unknown columns refused). */
export function parseCsvImport(text: string): ParsedImport {
  let records;
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { rows: [], errors: [{ line: error.line, reason: `CSV-filen kan inte läsas: ${error.message}` }] };
    throw error;
  }
  if (records.length === 0) return { rows: [], errors: [{ line: 1, reason: 'filen är tom (rubrikraden saknas)' }] };
  const [header, ...data] = records;
  const columns = header.fields.map((name) => name.trim());
  const known = new Set<string>([...IMPORT_COLUMNS, ...HISTORY_COLUMNS, ...EXPORT_ONLY_COLUMNS]);
  const unknown = columns.filter((name) => !known.has(name));
  if (unknown.length) {
    return {
      rows: [],
      errors: [{ line: header.line, reason: `okända kolumner: ${unknown.join(', ')}. Tillåtna: ${[...IMPORT_COLUMNS, ...HISTORY_COLUMNS].join(', ')}` }],
    };
  }
  const rows: RawImportRow[] = [];
  const errors: ImportLineError[] = [];
  for (const record of data) {
    if (record.fields.length !== columns.length) {
      errors.push({ line: record.line, reason: `raden har ${record.fields.length} fält men rubrikraden ${columns.length}` });
      continue;
    }
    rows.push({ line: record.line, value: Object.fromEntries(columns.map((name, i) => [name, record.fields[i]])) });
  }
  return { rows, errors };
}

export function parseImport(text: string, format: ImportFormat): ParsedImport {
  return format === 'csv' ? parseCsvImport(text) : parseJsonl(text);
}
