import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { trimString } from '../../../common/validation/validation';
import { BARRIER_NAME_LETTERS, BARRIER_NAME_MAX, BARRIER_NAME_NEEDS_LETTERS } from '../barrier-naming';

/**
 * A barrier's name needs letters: digits alone ("12345") name nothing. A name too short for Length is only told that
 * (one message per mistake), so the rule reads names of 3 characters or more.
 */
const LETTERS_WHEN_LONG_ENOUGH = new RegExp(`^(?:[\\s\\S]{0,2}|[\\s\\S]*${BARRIER_NAME_LETTERS.source}[\\s\\S]*)$`, 'u');
const HasLetters = (): PropertyDecorator => Matches(LETTERS_WHEN_LONG_ENOUGH, { message: BARRIER_NAME_NEEDS_LETTERS });

/** A form posts one checkbox as a string and several as an array; JSON posts an array. */
const toList = ({ value }: { value: unknown }): unknown => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]);
const emptyToUndefined = ({ value }: { value: unknown }): unknown => (typeof value === 'string' && value.trim() === '' ? undefined : trimString({ value }));

const MAX_REPORTS = 10_000;

export class BarrierRenameDto {
  @ApiProperty({ minLength: 3, maxLength: BARRIER_NAME_MAX, example: 'Glapp mellan FK och AF när sjukpenningen upphör' })
  @Transform(trimString)
  @IsString({ message: 'Skriv ett namn på hindret.' })
  @Length(3, BARRIER_NAME_MAX, { message: `Skriv ett namn på 3–${BARRIER_NAME_MAX} tecken.` })
  @HasLetters()
  name: string;

  @ApiPropertyOptional({
    description:
      'true: numren i namnet som liknar ett felskrivet personnummer eller samordningsnummer är inte personnummer (t.ex. ärendenummer). Utan den avvisas ett sådant namn med 400 id_number_near_miss.',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmNotPersonalData ska vara true eller false.' })
  confirmNotPersonalData?: boolean;
}

export class BarrierMergeDto {
  @ApiProperty({ format: 'uuid', description: 'Hindret vars rapporter flyttas hit; det markeras som sammanslaget.' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj hindret att slå ihop med.' })
  otherBarrierId: string;
}

export class BarrierSplitDto {
  @ApiProperty({ type: [String], description: 'Rapporterna (avvikelsernas id) som flyttas till ett nytt hinder' })
  @Transform(toList)
  @IsArray({ message: 'Välj rapporterna som ska delas av.' })
  @ArrayMinSize(1, { message: 'Välj minst en rapport att dela av.' })
  @ArrayMaxSize(MAX_REPORTS, { message: `Välj högst ${MAX_REPORTS} rapporter.` })
  @IsUUID('all', { each: true, message: 'Välj rapporter i listan.' })
  deviationIds: string[];

  @ApiPropertyOptional({ maxLength: BARRIER_NAME_MAX, description: 'Det nya hindrets namn; utelämnat blir det "<namn> (avdelat)"' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Skriv ett namn på det nya hindret.' })
  @Length(3, BARRIER_NAME_MAX, { message: `Skriv ett namn på 3–${BARRIER_NAME_MAX} tecken, eller lämna fältet tomt.` })
  @HasLetters()
  name?: string;

  @ApiPropertyOptional({
    description:
      'true: numren i namnet som liknar ett felskrivet personnummer eller samordningsnummer är inte personnummer (t.ex. ärendenummer). Utan den avvisas ett sådant namn med 400 id_number_near_miss.',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmNotPersonalData ska vara true eller false.' })
  confirmNotPersonalData?: boolean;
}

export class BarrierCreateDto {
  @ApiProperty({ type: [String], minItems: 2, description: 'Rapporterna (avvikelsernas id) som hindret består av, minst två olika; de tas ur andra hinder, och ett hinder som då blir utan rapporter är upplöst' })
  @Transform(toList)
  @IsArray({ message: 'Ange rapporterna som hindret består av.' })
  @ArrayMinSize(2, { message: 'Ett hinder behöver minst två olika rapporter. Ange minst två.' })
  @ArrayMaxSize(MAX_REPORTS, { message: `Ange högst ${MAX_REPORTS} rapporter.` })
  @IsUUID('all', { each: true, message: 'Ange rapporterna med deras id.' })
  deviationIds: string[];

  @ApiPropertyOptional({ maxLength: BARRIER_NAME_MAX })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Skriv ett namn på hindret.' })
  @Length(3, BARRIER_NAME_MAX, { message: `Skriv ett namn på 3–${BARRIER_NAME_MAX} tecken.` })
  @HasLetters()
  name?: string;

  @ApiPropertyOptional({
    description:
      'true: numren i namnet som liknar ett felskrivet personnummer eller samordningsnummer är inte personnummer (t.ex. ärendenummer). Utan den avvisas ett sådant namn med 400 id_number_near_miss.',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmNotPersonalData ska vara true eller false.' })
  confirmNotPersonalData?: boolean;
}

export class BarrierMoveInDto {
  @ApiProperty({ description: 'Rapportens referens (AVV-2018-00042), externa id eller id', example: 'AVV-2018-00042' })
  @Transform(trimString)
  @IsString({ message: 'Skriv rapportens referens, t.ex. AVV-2018-00042.' })
  @Length(1, 100, { message: 'Skriv rapportens referens, t.ex. AVV-2018-00042.' })
  report: string;
}

/** The page's move-in form; from a suggestion on another barrier's page, `returnTo` leads back there. */
export class BarrierMoveInFormDto extends BarrierMoveInDto {
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'Sidan att gå tillbaka till finns inte. Ladda om sidan och försök igen.' })
  returnTo?: string;
}

export class BarrierMoveOutDto {
  @ApiProperty({ format: 'uuid' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj rapporten som ska flyttas ut.' })
  deviationId: string;
}

export class ThesaurusEntryCreateDto {
  @ApiProperty({ example: 'sjukpenning [FK]: sjukpenningen, sjukpenninggrundande inkomst, SGI', maxLength: 500 })
  @Transform(trimString)
  @IsString({ message: 'Skriv en rad: begrepp, kolon och varianter.' })
  @Length(3, 500, { message: 'Skriv en rad på 3–500 tecken: begrepp, kolon och varianter.' })
  line: string;
}

const LOCAL_FIX_DATE_MESSAGE = 'Ange ett giltigt datum, t.ex. 2026-05-10.';

/** A local fix of the barrier: when it took effect and what was done. */
export class BarrierLocalFixDto {
  @ApiPropertyOptional({ example: '2026-05-10', description: 'Dagen åtgärden infördes (ÅÅÅÅ-MM-DD, svensk tid), inte i framtiden. Utelämnad: i dag.' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: LOCAL_FIX_DATE_MESSAGE })
  @IsISO8601({ strict: true }, { message: LOCAL_FIX_DATE_MESSAGE })
  date?: string;

  @ApiProperty({ minLength: 3, maxLength: 500, example: 'Rutin för gemensamt samtycke införd i Haninge', description: 'Vad som gjordes, utan personuppgifter' })
  @Transform(trimString)
  // Length refuses a missing or non-text value too, with this one message.
  @Length(3, 500, { message: 'Skriv kort vad som gjordes, 3–500 tecken.' })
  note: string;
}

/** On a report's page: take the report out of the barrier it is in (named, so a page left open does not take it out of another). */
export class ReportBarrierOutFormDto {
  @Transform(trimString)
  @IsUUID('all', { message: 'Hindret finns inte längre. Ladda om sidan och försök igen.' })
  barrierId: string;
}

/** On a report's page: put the report in a barrier chosen in the list (out of the one it is in). */
export class ReportBarrierInFormDto {
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj ett hinder i listan.' })
  barrierId: string;
}

/** /hinder's "Nytt hinder av rapporterna": references (AVV-…), external ids or ids, separated by commas, spaces or lines. */
export class BarrierCreateFormDto {
  @Transform(trimString)
  @IsString({ message: 'Skriv rapporternas referenser, t.ex. AVV-2018-00042, AVV-2018-00057.' })
  @Length(1, 20_000, { message: 'Skriv rapporternas referenser, t.ex. AVV-2018-00042, AVV-2018-00057.' })
  reports: string;

  @Transform(emptyToUndefined)
  @IsOptional()
  @IsString({ message: 'Skriv ett namn på hindret.' })
  @Length(3, BARRIER_NAME_MAX, { message: `Skriv ett namn på 3–${BARRIER_NAME_MAX} tecken, eller lämna fältet tomt.` })
  @HasLetters()
  name?: string;
}
