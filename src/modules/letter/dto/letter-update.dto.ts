import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, IsString, MaxLength, Min, MinLength } from 'class-validator';
import { LETTER_FIELD_MAX } from '../letter.constants';

/** Keeps line breaks (paragraphs matter in a letter) but drops trailing spaces and outer blank lines. */
export const tidyText = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.replace(/\r\n?/g, '\n').replace(/[ \t]+$/gm, '').trim() : value;

/** Forms post strings; JSON posts numbers. */
export const toInteger = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value.trim()) : value;

const SECTION_TOO_LONG = `Avsnittet får vara högst ${LETTER_FIELD_MAX.section} tecken.`;

/** The analyst's edit of a draft: every text at once, with the version the edit started from. */
export class LetterUpdateDto {
  @ApiProperty({ description: 'Mottagarblocket; första raden namnger mottagaren', example: 'Nationella rådet för finansiell samordning' })
  @Transform(tidyText)
  @IsString({ message: 'Skriv vem skrivelsen går till.' })
  @MinLength(2, { message: 'Skriv vem skrivelsen går till.' })
  @MaxLength(LETTER_FIELD_MAX.recipient, { message: `Mottagaren får vara högst ${LETTER_FIELD_MAX.recipient} tecken.` })
  recipient: string;

  @ApiProperty({ example: 'Skrivelse angående glapp mellan FK och AF när sjukpenningen upphör' })
  @Transform(tidyText)
  @IsString({ message: 'Skriv en ämnesrad.' })
  @MinLength(5, { message: 'Skriv en ämnesrad på minst 5 tecken.' })
  @MaxLength(LETTER_FIELD_MAX.subject, { message: `Ämnesraden får vara högst ${LETTER_FIELD_MAX.subject} tecken.` })
  subject: string;

  @ApiProperty({ description: 'Bakgrund och hinder' })
  @Transform(tidyText)
  @IsString({ message: 'Beskriv hindret.' })
  @MinLength(1, { message: 'Beskriv hindret.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: SECTION_TOO_LONG })
  summary: string;

  @ApiPropertyOptional({ description: 'Underlag (genereras; uppdateras så länge det inte är ändrat)' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Underlaget ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: SECTION_TOO_LONG })
  evidence?: string;

  @ApiPropertyOptional({ description: 'Konsekvenser för deltagarna' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Konsekvenserna ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: SECTION_TOO_LONG })
  consequences?: string;

  @ApiPropertyOptional({ description: 'Vad som har prövats lokalt' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Det som prövats lokalt ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: SECTION_TOO_LONG })
  triedLocally?: string;

  @ApiPropertyOptional({ description: 'Parter och regelverk som möts' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Avsnittet om parter och regelverk ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: SECTION_TOO_LONG })
  interfaceRules?: string;

  @ApiProperty({ description: 'Vad vi begär' })
  @Transform(tidyText)
  @IsString({ message: 'Skriv vad ni begär av mottagaren.' })
  @MinLength(1, { message: 'Skriv vad ni begär av mottagaren.' })
  @MaxLength(LETTER_FIELD_MAX.section, { message: SECTION_TOO_LONG })
  requestedAction: string;

  @ApiProperty({ description: 'Versionen du utgick från (skyddar mot att skriva över någon annans ändring)', example: 1 })
  @Transform(toInteger)
  @IsInt({ message: 'Versionen saknas. Ladda om sidan och försök igen.' })
  @Min(1, { message: 'Versionen saknas. Ladda om sidan och försök igen.' })
  version: number;
}
