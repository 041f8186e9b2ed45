import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsISO8601, IsOptional, IsUUID, Length, Matches, ValidationArguments } from 'class-validator';
import { characters, tooLongMessage, trimString } from '../../../common/validation/validation';
import {
  DEVIATION_CATEGORIES,
  DEVIATION_PARTIES,
  DEVIATION_SEVERITIES,
  DeviationCategory,
  DeviationParty,
  DeviationSeverity,
} from '../deviation.constants';

export const TITLE_MAX = 120;
export const DESCRIPTION_MAX = 4000;
export const CONSEQUENCE_MAX = 2000;
export const TRIED_MAX = 2000;

const DATE_MESSAGE = 'Ange ett giltigt datum, t.ex. 2026-11-20.';
export const PARTIES_MESSAGE = 'Välj parter bland Arbetsförmedlingen, Försäkringskassan, kommunen, regionen och annan.';

/**
 * One Swedish message per situation (missing, too short, too long), so a field never shows two; each names
 * its field. `name` may depend on the rest of the form (a comment is a note or a message).
 */
export function textLengthMessage(missing: string, min: number, max: number, name: string | ((args: ValidationArguments) => string)) {
  return (args: ValidationArguments): string => {
    const value: unknown = args.value;
    const field = typeof name === 'function' ? name(args) : name;
    if (typeof value !== 'string' || value === '') return missing;
    if (characters(value) < min) return `${field} måste vara minst ${min} tecken.`;
    return tooLongMessage(field, max)(args);
  };
}

/**
 * Free text from a form or JSON: trimmed, and line breaks as one character each. A browser sends a
 * textarea's line breaks as CR LF; counted as two, a text the form's live count accepts would be refused.
 */
export const trimText = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.replace(/\r\n?/g, '\n').trim() : value);

/** Empty optional text counts as not given. */
export const emptyToUndefined = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && value.trim() === '' ? undefined : trimText({ value });

/** A form posts one checkbox as a string and several as an array; JSON posts an array. */
export const toPartyList = ({ value }: { value: unknown }): unknown => {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  return [...new Set(list.map((item) => (typeof item === 'string' ? item.trim().toUpperCase() : item)))];
};

/** What staff fill in when filing a deviation, on the form and in the API. */
export class DeviationCreateDto {
  @ApiProperty({ description: 'Kommunens id (se GET /api/organisation)', format: 'uuid' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj kommun.' })
  municipalityId: string;

  @ApiProperty({ description: 'När det hände (ÅÅÅÅ-MM-DD), inte i framtiden', example: '2026-11-20' })
  @Transform(trimString)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: DATE_MESSAGE })
  occurredOn: string;

  @ApiProperty({ enum: DEVIATION_CATEGORIES })
  @IsIn(DEVIATION_CATEGORIES, { message: 'Välj vilken sorts avvikelse det är.' })
  category: DeviationCategory;

  @ApiProperty({ enum: DEVIATION_PARTIES, isArray: true, description: 'Berörda parter, en eller flera' })
  @Transform(toPartyList)
  @IsArray({ message: 'Välj berörda parter i listan.' })
  @ArrayMaxSize(DEVIATION_PARTIES.length, { message: 'Välj varje part högst en gång.' })
  @IsIn(DEVIATION_PARTIES, { each: true, message: PARTIES_MESSAGE })
  parties: DeviationParty[] = [];

  @ApiProperty({ minLength: 3, maxLength: TITLE_MAX, example: 'AF och FK hänvisar till varandra' })
  @Transform(trimText)
  @Length(3, TITLE_MAX, { message: textLengthMessage('Skriv en kort rubrik.', 3, TITLE_MAX, 'Rubriken') })
  title: string;

  @ApiProperty({ minLength: 10, maxLength: DESCRIPTION_MAX })
  @Transform(trimText)
  @Length(10, DESCRIPTION_MAX, { message: textLengthMessage('Beskriv vad som hände.', 10, DESCRIPTION_MAX, 'Beskrivningen') })
  description: string;

  @ApiProperty({ minLength: 3, maxLength: CONSEQUENCE_MAX, description: 'Vad det fick för följd för deltagaren' })
  @Transform(trimText)
  @Length(3, CONSEQUENCE_MAX, {
    message: textLengthMessage('Beskriv vad det fick för följd för deltagaren.', 3, CONSEQUENCE_MAX, 'Konsekvensen'),
  })
  consequence: string;

  @ApiProperty({ enum: DEVIATION_SEVERITIES, description: 'lag = låg, medel, hog = hög' })
  @IsIn(DEVIATION_SEVERITIES, { message: 'Välj hur allvarligt det är: låg, medel eller hög.' })
  severity: DeviationSeverity;

  @ApiPropertyOptional({ maxLength: TRIED_MAX, description: 'Vad har redan prövats' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, TRIED_MAX, { message: textLengthMessage('Skriv vad som redan prövats, eller lämna fältet tomt.', 1, TRIED_MAX, 'Det som redan prövats') })
  tried?: string;
}
