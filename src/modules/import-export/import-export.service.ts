import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { maskPii } from '../../common/pii/pii-detector';
import { emptyPiiCounts, PII_KIND_LABELS, PII_KINDS, PiiKind } from '../../common/pii/pii-finding';
import { toCsvLine } from '../../common/csv/csv';
import { isIsoDate } from '../../common/calendar/working-days';
import { DomainError, FieldProblem, ValidationFailedError } from '../../common/errors/domain-error';
import { flattenValidationErrors } from '../../common/validation/validation';
import { DeviationService } from '../deviation/deviation.service';
import { DeviationExportOptions, DeviationExportRow } from '../deviation/deviation.types';
import { OrganisationService } from '../organisation/organisation.service';
import { DeviationImportRowDto, EXPORT_ONLY_COLUMNS, HISTORY_COLUMNS, IMPORT_COLUMNS } from './dto/deviation-import-row.dto';
import { ImportFormat, ImportLineError, parseImport } from './import-parser';

export interface ImportSummary {
  format: ImportFormat;
  /** Data lines read (blank lines not counted). */
  lines: number;
  created: number;
  existing: number;
  rejected: ImportLineError[];
  /** Personal data found and masked in place, by kind. */
  maskedPersonalData: Record<PiiKind, number>;
  reportsWithPersonalData: number;
}

export type ExportFormat = 'jsonl' | 'csv';

/** Export columns: the import format first (so an export can be imported), then what happened. */
export const EXPORT_COLUMNS = [...IMPORT_COLUMNS, ...EXPORT_ONLY_COLUMNS, ...HISTORY_COLUMNS] as const;

const FREE_TEXT_FIELDS = ['title', 'description', 'consequence', 'tried', 'resolution'] as const;

function problemText(error: DomainError): string {
  return error.fields.length ? error.fields.map((field) => field.message).join(' ') : error.message;
}

/** Import and export of deviations, shared by the CLI and the API. */
@Injectable()
export class ImportExportService {
  constructor(
    private readonly deviations: DeviationService,
    private readonly organisation: OrganisationService,
  ) {}

  /**
   * Before importing a file from outside the organisation (the CLI's --add-municipalities, and always in
   * eval's scratch database): every kommun its lines name that the organisation lacks is added, each in a
   * delprojekt of its own (OrganisationService.addMissingMunicipalities). Returns the names added.
   */
  async addMissingMunicipalities(text: string, format: ImportFormat): Promise<string[]> {
    const named = parseImport(text, format).rows.map((row) => row.value.kommun).filter((value): value is string => typeof value === 'string');
    return this.organisation.addMissingMunicipalities(named);
  }

  /**
   * Reads JSONL or CSV. Each valid line is stored in its own transaction (no partial rows), each
   * rejected line is reported with its number and reason, and personal data is masked in place.
   * Idempotent on externalId: importing the same file twice stores nothing the second time.
   * `datedToReporting` (the demo): each report's import is dated to when it was reported (createFromImport).
   */
  async importText(text: string, format: ImportFormat, options: { datedToReporting?: boolean } = {}): Promise<ImportSummary> {
    const parsed = parseImport(text, format);
    const summary: ImportSummary = {
      format,
      lines: parsed.rows.length + parsed.errors.length,
      created: 0,
      existing: 0,
      rejected: [...parsed.errors],
      maskedPersonalData: emptyPiiCounts(),
      reportsWithPersonalData: 0,
    };
    for (const row of parsed.rows) {
      const value = { ...row.value };
      for (const column of EXPORT_ONLY_COLUMNS) delete value[column];
      const dto = plainToInstance(DeviationImportRowDto, value);
      const problems = flattenValidationErrors(await validate(dto, { whitelist: true, forbidNonWhitelisted: true }));
      if (problems.length) {
        summary.rejected.push({ line: row.line, reason: problems.map((p) => p.message).join(' ') });
        continue;
      }
      const ignoredEmailAddresses = dto.reporterEmail ? [dto.reporterEmail] : [];
      let found = false;
      const masked: Record<(typeof FREE_TEXT_FIELDS)[number], string | undefined> = { title: '', description: '', consequence: '', tried: '', resolution: '' };
      for (const field of FREE_TEXT_FIELDS) {
        const value = dto[field];
        if (value === undefined) {
          masked[field] = undefined;
          continue;
        }
        const result = maskPii(value, { ignoredEmailAddresses });
        masked[field] = result.text;
        for (const kind of PII_KINDS) {
          if (result.counts[kind] > 0) found = true;
          summary.maskedPersonalData[kind] += result.counts[kind];
        }
      }
      try {
        const result = await this.deviations.createFromImport({
          externalId: dto.externalId,
          kommun: dto.kommun,
          occurredOn: dto.occurredOn,
          reportedAt: dto.reportedAt ?? null,
          category: dto.category,
          parties: dto.parties,
          title: masked.title ?? '',
          description: masked.description ?? '',
          consequence: masked.consequence ?? null,
          tried: masked.tried ?? null,
          severity: dto.severity,
          reporterEmail: dto.reporterEmail ?? null,
          status: dto.status ?? null,
          resolution: masked.resolution ?? null,
          acceptedAt: dto.acceptedAt ?? null,
          resolvedAt: dto.resolvedAt ?? null,
          escalatedAt: dto.escalatedAt ?? null,
          closedAt: dto.closedAt ?? null,
        }, { datedToReporting: options.datedToReporting });
        if (result.outcome === 'created') {
          summary.created += 1;
          if (found) summary.reportsWithPersonalData += 1;
        } else {
          summary.existing += 1;
        }
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        summary.rejected.push({ line: row.line, reason: problemText(error) });
      }
    }
    summary.rejected.sort((a, b) => a.line - b.line);
    return summary;
  }

  /**
   * Streams every report as JSONL or CSV (with a header), in reference order, in constant memory. Check the period with
   * `checkExportPeriod` first: once the first line is sent, a refusal can only cut the download off.
   */
  async *exportDeviations(format: ExportFormat, options: DeviationExportOptions = {}): AsyncGenerator<string> {
    if (format === 'csv') yield '\uFEFF' + toCsvLine([...EXPORT_COLUMNS]);
    for await (const row of this.deviations.streamForExport(options)) {
      yield format === 'csv' ? toCsvLine(EXPORT_COLUMNS.map((column) => csvValue(row, column))) : `${JSON.stringify(row)}\n`;
    }
  }
}

function csvValue(row: DeviationExportRow, column: (typeof EXPORT_COLUMNS)[number]): string | null {
  if (column === 'parties') return row.parties.join(';');
  const value = (row as unknown as Record<string, unknown>)[column];
  return value === null || value === undefined ? null : String(value);
}

/** "personnummer: 4, namn: 3" for people and logs (counts only, never the data). */
export function describeMasked(counts: Record<PiiKind, number>): string {
  const parts = PII_KINDS.filter((kind) => counts[kind] > 0).map((kind) => `${PII_KIND_LABELS[kind]}: ${counts[kind]}`);
  return parts.length ? parts.join(', ') : 'inga';
}

/**
 * The export's period (`from`, `to`, ÅÅÅÅ-MM-DD, both optional): real calendar days (2026-02-30 and 2026-99-01 are
 * not: they reached the database mid-stream, which cut the download off after its headers), and from no later than to.
 * Throws a ValidationFailedError (400) that names the field; call it before streaming.
 */
export function checkExportPeriod(options: DeviationExportOptions): void {
  const problems: FieldProblem[] = [];
  const example = { from: '2026-01-01', to: '2026-12-31' } as const;
  for (const name of ['from', 'to'] as const) {
    const value = options[name];
    if (value !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value))) {
      problems.push({ field: name, message: `${name} måste vara ett datum som finns, skrivet ÅÅÅÅ-MM-DD, t.ex. ${example[name]} (du skrev "${value.slice(0, 40)}").` });
    }
  }
  if (problems.length === 0 && options.from !== undefined && options.to !== undefined && options.from > options.to) {
    problems.push({ field: 'to', message: `to (${options.to}) kan inte vara före from (${options.from}). Byt plats på datumen.` });
  }
  if (problems.length > 0) throw new ValidationFailedError(problems, problems.map((problem) => problem.message).join(' '));
}
