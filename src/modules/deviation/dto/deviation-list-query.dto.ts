import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { DEVIATION_CATEGORIES, DEVIATION_SEVERITIES, DeviationCategory, DeviationSeverity } from '../deviation.constants';
import { DEVIATION_STATUSES } from '../deviation-workflow';
import { emptyToUndefined } from './deviation-create.dto';

export const LIST_SORTS = ['oldest', 'newest', 'severity'] as const;
export type DeviationListSort = (typeof LIST_SORTS)[number];

/** open = everything not closed (the queue), all = every status, or one status. */
export const STATUS_FILTERS = ['open', 'all', ...DEVIATION_STATUSES] as const;
export type DeviationStatusFilter = (typeof STATUS_FILTERS)[number];

const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value === '' ? undefined : value;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Filters, sort and page of the queue and of GET /api/deviations. Also read from the queue page's query string. */
export class DeviationListQueryDto {
  @ApiPropertyOptional({ enum: STATUS_FILTERS, default: 'open' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(STATUS_FILTERS, { message: 'Okänd status. Välj open, all eller en status.' })
  status?: DeviationStatusFilter;

  @ApiPropertyOptional({ enum: DEVIATION_SEVERITIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(DEVIATION_SEVERITIES, { message: 'Välj allvarlighetsgrad: lag, medel eller hog.' })
  severity?: DeviationSeverity;

  @ApiPropertyOptional({ enum: DEVIATION_CATEGORIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(DEVIATION_CATEGORIES, { message: 'Okänd kategori.' })
  category?: DeviationCategory;

  @ApiPropertyOptional({ format: 'uuid', description: 'Kommun' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Välj en kommun i listan.' })
  municipalityId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Delprojekt (för verksamhetsutvecklare; en delprojektledare ser bara sitt)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Välj ett delprojekt i listan.' })
  subprojectId?: string;

  @ApiPropertyOptional({ description: 'Rapporterad från och med (ÅÅÅÅ-MM-DD)', example: '2026-01-01' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(DATE, { message: 'Ange från-datum som ÅÅÅÅ-MM-DD.' })
  from?: string;

  @ApiPropertyOptional({ description: 'Rapporterad till och med (ÅÅÅÅ-MM-DD)', example: '2026-12-31' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(DATE, { message: 'Ange till-datum som ÅÅÅÅ-MM-DD.' })
  to?: string;

  @ApiPropertyOptional({ enum: ['me'], description: 'me = bara avvikelser där du är ansvarig' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['me'], { message: 'Ansvarig kan bara vara me (du själv) eller tomt för alla.' })
  assignee?: 'me';

  @ApiPropertyOptional({ enum: LIST_SORTS, default: 'oldest', description: 'oldest = äldst först, newest = nyast först, severity = allvarligast först' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LIST_SORTS, { message: 'Sortera på oldest, newest eller severity.' })
  sort?: DeviationListSort;

  @ApiPropertyOptional({ description: 'Markören nextCursor från förra sidan' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @MaxLength(500, { message: 'Ogiltig markör för nästa sida.' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'limit måste vara ett heltal mellan 1 och 200.' })
  @Min(1, { message: 'limit måste vara ett heltal mellan 1 och 200.' })
  @Max(200, { message: 'limit måste vara ett heltal mellan 1 och 200.' })
  limit?: number;
}
