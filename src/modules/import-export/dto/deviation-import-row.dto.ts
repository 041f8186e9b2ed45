import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsISO8601, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { DEVIATION_CATEGORIES, DEVIATION_PARTIES, DEVIATION_SEVERITIES, DeviationCategory, DeviationParty, DeviationSeverity } from '../../deviation/deviation.constants';
import { DEVIATION_STATUSES, DeviationStatus } from '../../deviation/deviation-workflow';

/** Import columns, in the order export writes them (the format of samples/reports.jsonl). */
export const IMPORT_COLUMNS = [
  'externalId',
  'kommun',
  'occurredOn',
  'reportedAt',
  'category',
  'parties',
  'title',
  'description',
  'consequence',
  'tried',
  'severity',
  'reporterEmail',
] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/**
 * What happened to a report, as export writes it. Optional on import: history from another system (or
 * an export of this one) keeps its status, resolution and times; without them a report comes in as "ny".
 */
export const HISTORY_COLUMNS = ['status', 'resolution', 'acceptedAt', 'resolvedAt', 'escalatedAt', 'closedAt'] as const;

/** Columns only export writes (this system's own names for the report); an import accepts and ignores them, so exports re-import. */
export const EXPORT_ONLY_COLUMNS = ['reference', 'delprojekt'] as const;

const text = ({ value }: { value: unknown }): unknown => {
  if (typeof value !== 'string') return value;
  // Undo the formula guard our own CSV export adds ('=…), so export → import round-trips.
  const unguarded = /^'[=+\-@]/.test(value) ? value.slice(1) : value;
  return unguarded.trim();
};
const optionalText = ({ value }: { value: unknown }): unknown => (value === null || value === undefined ? undefined : text({ value }) === '' ? undefined : text({ value }));
const lowerCode = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .trim()
        .toLowerCase()
        .replace(/[åä]/g, 'a')
        .replace(/ö/g, 'o')
        .replace(/\s+/g, '_')
    : value;
/** JSONL gives an array; CSV a string such as "FK;REGION" or "FK, REGION". */
const partyList = ({ value }: { value: unknown }): unknown => {
  if (value === null || value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[;|,\s]+/) : value;
  return Array.isArray(list) ? [...new Set(list.filter((p) => p !== '').map((p) => (typeof p === 'string' ? p.trim().toUpperCase() : p)))] : list;
};

/** An optional free-text column: trimmed, empty counts as absent, at most `max` characters. */
const OptionalText = (column: string, max: number): PropertyDecorator =>
  applyDecorators(
    Transform(optionalText),
    IsOptional(),
    IsString({ message: `${column} måste vara text.` }),
    MaxLength(max, { message: `${column} får vara högst ${max} tecken.` }),
  );

/** An optional point in time of the report's history (ISO 8601); empty counts as absent. */
const OptionalTime = (column: string): PropertyDecorator =>
  applyDecorators(
    Transform(optionalText),
    IsOptional(),
    IsISO8601({ strict: true }, { message: `${column} måste vara en tidpunkt, t.ex. 2017-09-25T10:00:00+02:00, eller tom.` }),
  );

/** One imported report before it is stored. Field names are the import format's. */
export class DeviationImportRowDto {
  @Transform(text)
  @IsString({ message: 'externalId saknas (varje rad behöver ett unikt id från källsystemet).' })
  @Length(1, 100, { message: 'externalId måste vara 1–100 tecken.' })
  externalId: string;

  @Transform(text)
  @IsString({ message: 'kommun saknas.' })
  @Length(1, 80, { message: 'kommun saknas.' })
  kommun: string;

  @Transform(text)
  @IsString({ message: 'occurredOn saknas (datum ÅÅÅÅ-MM-DD).' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'occurredOn måste vara ett datum ÅÅÅÅ-MM-DD.' })
  @IsISO8601({ strict: true }, { message: 'occurredOn är inte ett giltigt datum.' })
  occurredOn: string;

  @Transform(optionalText)
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'reportedAt måste vara en tidpunkt, t.ex. 2017-09-18T15:58:46+02:00.' })
  reportedAt?: string;

  @Transform(lowerCode)
  @IsIn(DEVIATION_CATEGORIES, { message: `category måste vara en av ${DEVIATION_CATEGORIES.join(', ')}.` })
  category: DeviationCategory;

  @Transform(partyList)
  @IsArray({ message: 'parties måste vara en lista av AF, FK, KOMMUN, REGION, ANNAN.' })
  @ArrayMaxSize(DEVIATION_PARTIES.length, { message: 'parties har för många värden.' })
  @IsIn(DEVIATION_PARTIES, { each: true, message: 'parties får bara innehålla AF, FK, KOMMUN, REGION och ANNAN.' })
  parties: DeviationParty[] = [];

  @Transform(text)
  @IsString({ message: 'title saknas.' })
  @Length(1, 200, { message: 'title måste vara 1–200 tecken.' })
  title: string;

  @Transform(text)
  @IsString({ message: 'description saknas.' })
  @Length(1, 8000, { message: 'description måste vara 1–8000 tecken.' })
  description: string;

  @OptionalText('consequence', 4000)
  consequence?: string;

  @OptionalText('tried', 4000)
  tried?: string;

  @Transform(lowerCode)
  @IsIn(DEVIATION_SEVERITIES, { message: 'severity måste vara lag, medel eller hog.' })
  severity: DeviationSeverity;

  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? (value.trim() === '' ? undefined : value.trim().toLowerCase()) : value))
  @IsOptional()
  @IsEmail({}, { message: 'reporterEmail är inte en giltig e-postadress.' })
  reporterEmail?: string;

  @Transform(lowerCode)
  @IsOptional()
  @IsIn(DEVIATION_STATUSES, { message: `status måste vara en av ${DEVIATION_STATUSES.join(', ')} (eller tom för ny).` })
  status?: DeviationStatus;

  @OptionalText('resolution', 4000)
  resolution?: string;

  @OptionalTime('acceptedAt')
  acceptedAt?: string;

  @OptionalTime('resolvedAt')
  resolvedAt?: string;

  @OptionalTime('escalatedAt')
  escalatedAt?: string;

  @OptionalTime('closedAt')
  closedAt?: string;
}
