import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, Validate } from 'class-validator';
import { NotBeforeFrom, SwedishDate } from '../../../common/validation/date-range';
import { DEVIATION_CATEGORIES, DEVIATION_PARTIES, DeviationCategory, DeviationParty } from '../../deviation/deviation.constants';

/** Empty query fields (a GET form sends every field) count as not given. */
const emptyToUndefined = ({ value }: { value: unknown }): unknown => {
  const single = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof single !== 'string') return single;
  const trimmed = single.trim();
  return trimmed === '' ? undefined : trimmed;
};

const upperCase = (params: { value: unknown }): unknown => {
  const value = emptyToUndefined(params);
  return typeof value === 'string' ? value.toUpperCase() : value;
};

/**
 * The overview's filters: the page's query string (so a view can be shared as a link), the JSON
 * API's and the CSV downloads'. Names as in GET /api/deviations.
 */
export class DashboardFilterDto {
  @ApiPropertyOptional({ description: 'Rapporterad från och med (ÅÅÅÅ-MM-DD, svensk tid)', example: '2026-01-01' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Validate(SwedishDate)
  from?: string;

  @ApiPropertyOptional({ description: 'Rapporterad till och med (ÅÅÅÅ-MM-DD, svensk tid)', example: '2026-12-31' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Validate(SwedishDate)
  @Validate(NotBeforeFrom)
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Delprojekt. En delprojektledare ser alltid bara sitt eget.' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Välj ett delprojekt i listan.' })
  subprojectId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Kommun' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Välj en kommun i listan.' })
  municipalityId?: string;

  @ApiPropertyOptional({ enum: DEVIATION_CATEGORIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(DEVIATION_CATEGORIES, { message: 'Välj en kategori i listan.' })
  category?: DeviationCategory;

  @ApiPropertyOptional({ enum: DEVIATION_PARTIES, description: 'Bara avvikelser där parten är berörd' })
  @Transform(upperCase)
  @IsOptional()
  @IsIn(DEVIATION_PARTIES, { message: 'Välj en part i listan: AF, FK, KOMMUN, REGION eller ANNAN.' })
  party?: DeviationParty;
}

export const DASHBOARD_FILTER_KEYS = ['from', 'to', 'subprojectId', 'municipalityId', 'category', 'party'] as const satisfies ReadonlyArray<keyof DashboardFilterDto>;
