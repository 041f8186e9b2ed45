import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsInt, IsOptional, IsString, Matches, MaxLength, Min, MinLength, ValidateIf } from 'class-validator';
import { tooLongMessage } from '../../../common/validation/validation';
import { LETTER_FIELD_MAX, LETTER_FIELD_NAMES, LetterTextField } from '../letter.constants';

/** Keeps line breaks (paragraphs matter in a letter) but drops trailing spaces and outer blank lines. */
export const tidyText = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim() : value;

/** Forms post strings; JSON posts numbers. */
export const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;

/** A section's length message names the section ("Underlaget får vara högst 20000 tecken (nu 20012)."). */
const sectionTooLong = (field: LetterTextField): ((args: { value: unknown }) => string) => tooLongMessage(LETTER_FIELD_NAMES[field], LETTER_FIELD_MAX.section);

/** One line: the sender's fields are printed as lines of the letter's head and signature. */
export const tidyLine = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : value);

/** Checked only when given and not empty: empty means "leave it out of the letter". */
const given = (_: object, value: unknown): boolean => value !== undefined && value !== null && value !== '';

/** "Dnr 2026/14", "SF 2026-0045", "MIA-2026:3". */
const REFERENCE = /^[\p{L}\p{N}][\p{L}\p{N} .,:;/()_–-]*$/u;
/** A signatory's name as the editor accepts it: letters, spaces and - . ' only ("Anna-Karin Öberg", "D'Souza"). */
export const PERSON_NAME = /^\p{L}[\p{L}\p{M} .'’-]*$/u;
const TITLE = /^\p{L}[\p{L}\p{M}\p{N} .,:;/()&–-]*$/u;
/** Six to fifteen digits with spaces, hyphens and brackets, an optional + first: "08-123 456 78", "+46 8 123 456 78". */
const PHONE = /^(?=(?:\D*\d){6,15}\D*$)\+?[\d][\d ()–-]*\d$/u;

/**
 * One optional line of the sender block: tidied to one line; empty leaves it out of the letter, otherwise at most `max`
 * characters and passing `check`. `noun` names the field at the start of a sentence ("Titeln").
 */
function SenderLine(options: { description: string; example: string; noun: string; max: number; check: PropertyDecorator }): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ description: options.description, example: options.example }),
    Transform(tidyLine),
    IsOptional(),
    IsString({ message: `${options.noun} ska vara text.` }),
    MaxLength(options.max, { message: tooLongMessage(options.noun, options.max) }),
    ValidateIf(given),
    options.check,
  );
}

/** The analyst's edit of a draft: every text at once, with the version the edit started from. */
export class LetterUpdateDto {
  @ApiProperty({ description: 'Mottagarblocket; första raden namnger mottagaren', example: 'Nationella rådet för finansiell samordning' })
  @Transform(tidyText)
  @IsString({ message: 'Skriv vem skrivelsen går till.' })
  @MinLength(2, { message: 'Skriv vem skrivelsen går till.' })
  @MaxLength(LETTER_FIELD_MAX.recipient, { message: tooLongMessage('Mottagaren', LETTER_FIELD_MAX.recipient) })
  recipient: string;

  @ApiProperty({ example: 'Skrivelse angående glapp mellan FK och AF när sjukpenningen upphör' })
  @Transform(tidyText)
  @IsString({ message: 'Skriv en ämnesrad.' })
  @MinLength(5, { message: 'Skriv en ämnesrad på minst 5 tecken.' })
  @MaxLength(LETTER_FIELD_MAX.subject, { message: tooLongMessage('Ämnesraden', LETTER_FIELD_MAX.subject) })
  subject: string;

  @ApiProperty({ description: 'Bakgrund och hinder' })
  @Transform(tidyText)
  @IsString({ message: 'Beskriv hindret.' })
  @MinLength(1, { message: 'Beskriv hindret.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: sectionTooLong('summary') })
  summary: string;

  @ApiPropertyOptional({ description: 'Underlag (genereras; uppdateras så länge det inte är ändrat)' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Underlaget ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: sectionTooLong('evidence') })
  evidence?: string;

  @ApiPropertyOptional({ description: 'Konsekvenser för deltagarna' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Konsekvenserna ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: sectionTooLong('consequences') })
  consequences?: string;

  @ApiPropertyOptional({ description: 'Vad som har prövats lokalt' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Det som prövats lokalt ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: sectionTooLong('triedLocally') })
  triedLocally?: string;

  @ApiPropertyOptional({ description: 'Parter och regelverk som möts' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Avsnittet om parter och regelverk ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: sectionTooLong('interfaceRules') })
  interfaceRules?: string;

  @ApiProperty({ description: 'Vad vi begär' })
  @Transform(tidyText)
  @IsString({ message: 'Skriv vad ni begär av mottagaren.' })
  @MinLength(1, { message: 'Skriv vad ni begär av mottagaren.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: sectionTooLong('requestedAction') })
  requestedAction: string;

  @SenderLine({
    description: 'Diarienummer, skrivs i skrivelsens huvud; tom sträng tar bort det, utelämnat lämnar det orört',
    example: 'Dnr 2026/14',
    noun: 'Diarienumret',
    max: LETTER_FIELD_MAX.referenceNumber,
    check: Matches(REFERENCE, { message: 'Skriv diarienumret med bokstäver, siffror och tecknen - / . : ( ), till exempel ”Dnr 2026/14”.' }),
  })
  referenceNumber?: string;

  @SenderLine({
    description: 'Namnet på den som undertecknar (personal, inte deltagare)',
    example: 'Anna Andersson',
    noun: 'Namnet',
    max: LETTER_FIELD_MAX.signatoryName,
    check: Matches(PERSON_NAME, { message: 'Skriv namnet på den som undertecknar med bokstäver, till exempel ”Anna Andersson”.' }),
  })
  signatoryName?: string;

  @SenderLine({
    description: 'Undertecknarens titel',
    example: 'Verksamhetsutvecklare',
    noun: 'Titeln',
    max: LETTER_FIELD_MAX.signatoryTitle,
    check: Matches(TITLE, { message: 'Skriv titeln med bokstäver, till exempel ”Verksamhetsutvecklare”.' }),
  })
  signatoryTitle?: string;

  @SenderLine({
    description: 'Avsändarens e-postadress för kontakt',
    example: 'anna.andersson@samordningsforbund.se',
    noun: 'E-postadressen',
    max: LETTER_FIELD_MAX.contactEmail,
    check: IsEmail({}, { message: 'Skriv en giltig e-postadress för kontakt, till exempel namn@samordningsforbund.se.' }),
  })
  contactEmail?: string;

  @SenderLine({
    description: 'Avsändarens telefonnummer för kontakt',
    example: '08-123 456 78',
    noun: 'Telefonnumret',
    max: LETTER_FIELD_MAX.contactPhone,
    check: Matches(PHONE, { message: 'Skriv telefonnumret med siffror, till exempel 08-123 456 78 eller +46 8 123 456 78.' }),
  })
  contactPhone?: string;

  @ApiPropertyOptional({
    description:
      'true: numren i texten som liknar ett felskrivet personnummer eller samordningsnummer är inte personnummer (t.ex. ärendenummer). Utan den avvisas en sådan text med 400 id_number_near_miss.',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmNotPersonalData ska vara true eller false.' })
  confirmNotPersonalData?: boolean;

  @ApiProperty({ description: 'Versionen du utgick från (skyddar mot att skriva över någon annans ändring)', example: 1 })
  @Transform(toInteger)
  @IsInt({ message: 'Versionen saknas. Ladda om sidan och försök igen.' })
  @Min(1, { message: 'Versionen saknas. Ladda om sidan och försök igen.' })
  version: number;
}

/** The letter's texts an edit carries, each as stored: sections left out are empty, the subject on one line. */
export function letterTextsOf(dto: LetterUpdateDto): Record<LetterTextField, string> {
  return {
    recipient: dto.recipient,
    subject: dto.subject.replace(/\s+/g, ' '),
    summary: dto.summary,
    evidence: dto.evidence ?? '',
    consequences: dto.consequences ?? '',
    triedLocally: dto.triedLocally ?? '',
    interfaceRules: dto.interfaceRules ?? '',
    requestedAction: dto.requestedAction,
  };
}
