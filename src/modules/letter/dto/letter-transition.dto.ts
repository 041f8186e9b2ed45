import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min } from 'class-validator';
import { tooLongMessage } from '../../../common/validation/validation';
import { LETTER_FIELD_MAX } from '../letter.constants';
import { LETTER_ACTIONS, LetterAction } from '../letter-workflow';
import { tidyText, toInteger } from './letter-update.dto';

export class LetterTransitionDto {
  @ApiProperty({ enum: LETTER_ACTIONS, description: 'review = granska, reopen = återför till utkast, send = markera skickad, answer = registrera svar' })
  @IsIn(LETTER_ACTIONS, { message: 'Välj vad som ska göras: granska, återför till utkast, markera skickad eller registrera svar.' })
  action: LetterAction;

  @ApiPropertyOptional({ description: 'Mottagarens svar; krävs för answer' })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Svaret ska vara text.' })
  @MaxLength(LETTER_FIELD_MAX.answer, { message: tooLongMessage('Svaret', LETTER_FIELD_MAX.answer) })
  answer?: string;

  @ApiPropertyOptional({
    description: 'För send: dagen skrivelsen skickades, ÅÅÅÅ-MM-DD (svensk tid); utelämnad betyder i dag, en tom sträng avvisas. Inte i framtiden, inte före skrivelsen skapades.',
    example: '2026-11-20',
  })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Skriv datumet som ÅÅÅÅ-MM-DD.' })
  @MaxLength(10, { message: 'Skriv datumet då skrivelsen skickades som ÅÅÅÅ-MM-DD.' })
  sentOn?: string;

  @ApiPropertyOptional({
    description:
      'För answer: dagen svaret kom, ÅÅÅÅ-MM-DD (svensk tid); utelämnad betyder i dag, en tom sträng avvisas. Inte i framtiden, inte före skrivelsen skickades.',
    example: '2026-11-20',
  })
  @Transform(tidyText)
  @IsOptional()
  @IsString({ message: 'Skriv datumet som ÅÅÅÅ-MM-DD.' })
  @MaxLength(10, { message: 'Skriv datumet då svaret kom som ÅÅÅÅ-MM-DD.' })
  answerReceivedOn?: string;

  @ApiPropertyOptional({
    description:
      'För answer: numren i svaret, för review och send: numren i skrivelsens sparade text; true: de som liknar ett felskrivet personnummer eller samordningsnummer är inte personnummer (t.ex. ärendenummer). Utan den avvisas en sådan text med 400 id_number_near_miss.',
  })
  @IsOptional()
  @IsBoolean({ message: 'confirmNotPersonalData ska vara true eller false.' })
  confirmNotPersonalData?: boolean;

  @ApiPropertyOptional({ description: 'Versionen du utgick från; utelämnad betyder senaste' })
  @Transform(toInteger)
  @IsOptional()
  @IsInt({ message: 'Versionen är ogiltig. Ladda om sidan och försök igen.' })
  @Min(1, { message: 'Versionen är ogiltig. Ladda om sidan och försök igen.' })
  version?: number;
}
