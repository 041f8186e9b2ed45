import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsOptional, IsUUID, Validate, ValidationArguments, ValidatorConstraint, ValidatorConstraintInterface } from 'class-validator';
import { isIsoDate } from '../../../common/calendar/working-days';
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

@ValidatorConstraint({ name: 'swedishDate' })
class SwedishDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) && isIsoDate(value) && value >= '2000-01-01' && value <= '2099-12-31';
  }

  defaultMessage(args: ValidationArguments): string {
    return args.property === 'from' ? 'Ange från-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-01-01.' : 'Ange till-datum som ÅÅÅÅ-MM-DD, t.ex. 2026-12-31.';
  }
}

@ValidatorConstraint({ name: 'notBeforeFrom' })
class NotBeforeFrom implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    const from = (args.object as DashboardFilterDto).from;
    return typeof value !== 'string' || typeof from !== 'string' || value >= from;
  }

  defaultMessage(): string {
    return 'Till-datum kan inte vara före från-datum.';
  }
}

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
