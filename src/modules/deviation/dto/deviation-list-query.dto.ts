import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsUUID, Max, MaxLength, Min, Validate } from 'class-validator';
import { NotBeforeFrom, SwedishDate } from '../../../common/validation/date-range';
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

/** Filters, sort and page of the queue and of GET /api/deviations. Also read from the queue page's query string. */
export class DeviationListQueryDto {
  @ApiPropertyOptional({ enum: STATUS_FILTERS, default: 'open' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(STATUS_FILTERS, { message: 'Okänd status. Välj en status i listan.' })
  status?: DeviationStatusFilter;

  @ApiPropertyOptional({ enum: DEVIATION_SEVERITIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(DEVIATION_SEVERITIES, { message: 'Okänd allvarlighetsgrad. Välj låg, medel eller hög.' })
  severity?: DeviationSeverity;

  @ApiPropertyOptional({ enum: DEVIATION_CATEGORIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(DEVIATION_CATEGORIES, { message: 'Okänd kategori. Välj en kategori i listan.' })
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
  @Validate(SwedishDate)
  from?: string;

  @ApiPropertyOptional({ description: 'Rapporterad till och med (ÅÅÅÅ-MM-DD)', example: '2026-12-31' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Validate(SwedishDate)
  @Validate(NotBeforeFrom)
  to?: string;

  @ApiPropertyOptional({ enum: ['me'], description: 'me = bara avvikelser där du är ansvarig' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['me'], { message: 'Ansvarig kan bara vara du själv eller alla.' })
  assignee?: 'me';

  @ApiPropertyOptional({
    enum: ['none'],
    description: 'none = bara delprojekt som just nu saknar aktiv delprojektledare (verksamhetsutvecklarna tar emot och hanterar deras avvikelser)',
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(['none'], { message: 'Okänt val för delprojektledare. Välj Alla delprojekt eller Delprojekt utan delprojektledare.' })
  lead?: 'none';

  @ApiPropertyOptional({ enum: LIST_SORTS, default: 'oldest', description: 'oldest = äldst först, newest = nyast först, severity = allvarligast först' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(LIST_SORTS, { message: 'Okänd sortering. Välj äldst först, nyast först eller allvarligast först.' })
  sort?: DeviationListSort;

  @ApiPropertyOptional({ description: 'Markören nextCursor från förra sidan' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @MaxLength(500, { message: 'Ogiltig markör för nästa sida.' })
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @Transform(toInt)
  @IsOptional()
  @IsInt({ message: 'Antal per sida måste vara ett heltal mellan 1 och 200.' })
  @Min(1, { message: 'Antal per sida måste vara ett heltal mellan 1 och 200.' })
  @Max(200, { message: 'Antal per sida måste vara ett heltal mellan 1 och 200.' })
  limit?: number;
}
