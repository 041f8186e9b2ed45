import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString } from 'class-validator';
import { REDACTION_TEXT_MAX } from '../deviation-redaction';

/** At most this many texts or findings in one request: one redaction is a few names or numbers, not a rewrite. */
export const REDACTION_ITEMS_MAX = 20;

/** POST /api/deviations/:id/redactions: texts as they stand in the report, and/or findings as the page offers them. */
export class DeviationRedactionDto {
  @ApiPropertyOptional({
    type: [String],
    maxItems: REDACTION_ITEMS_MAX,
    description:
      `Texter som ska bort, exakt som de står i avvikelsen (samma stora och små bokstäver, högst ${REDACTION_TEXT_MAX} tecken var), t.ex. ett namn. ` +
      'Varje förekomst byts mot ”[personuppgift borttagen]”. En text som också står inuti ett längre ord avvisas.',
  })
  @IsOptional()
  @IsArray({ message: 'Ange texts som en lista med texter, t.ex. ["Qvarnqvist"].' })
  @ArrayMaxSize(REDACTION_ITEMS_MAX, { message: `Ange högst ${REDACTION_ITEMS_MAX} texter i taget.` })
  @IsString({ each: true, message: 'Varje text i texts ska vara en sträng.' })
  texts?: string[];

  @ApiPropertyOptional({
    type: [String],
    maxItems: REDACTION_ITEMS_MAX,
    description: 'Fynd att ta bort: value från GET /api/deviations/:id/redactions (samma som avvikelsesidans kryssrutor). Byts mot fyndets platshållare, t.ex. ”[personnummer borttaget]”.',
  })
  @IsOptional()
  @IsArray({ message: 'Ange choices som en lista med fyndens value.' })
  @ArrayMaxSize(REDACTION_ITEMS_MAX, { message: `Ange högst ${REDACTION_ITEMS_MAX} fynd i taget.` })
  @IsString({ each: true, message: 'Varje fynd i choices ska vara en sträng (fyndets value).' })
  choices?: string[];

  @ApiPropertyOptional({
    description:
      'true: ändra inget, svara med vad som skulle ändras (antal förekomster och var, tidslinjen, e-post, hinder, skrivelser). ' +
      'Samma kontroller och fel som när det görs.',
    default: false,
  })
  @IsOptional()
  @IsBoolean({ message: 'Ange dryRun som true eller false.' })
  dryRun?: boolean;
}

/** Where the text stands in the report and how many times. */
export class RedactionPlaceView {
  @ApiProperty({ example: 'beskrivningen', description: 'Fältet (rubriken, beskrivningen …) eller ”en kommentar”, ”2 kommentarer”' })
  place: string;

  @ApiProperty({ example: 2 })
  count: number;
}

/** dryRun: what the redaction would change; nothing was changed. */
export class RedactionPreviewView {
  @ApiProperty({ enum: [true] })
  dryRun: true;

  @ApiProperty({ description: 'Förekomster i avvikelsens texter och kommentarer' })
  occurrences: number;

  @ApiProperty({ type: [RedactionPlaceView] })
  places: RedactionPlaceView[];

  @ApiProperty({ description: 'Rader i tidslinjen som skulle ändras' })
  log: number;

  @ApiProperty({ description: 'Sparade e-postmeddelanden som skulle ändras' })
  mails: number;

  @ApiProperty({ description: 'Hinder vars namn, termer, skäl eller modell skulle ändras' })
  barriers: number;

  @ApiProperty({ description: 'Av dem: hinder vars namn skulle ändras' })
  barrierNames: number;

  @ApiProperty({ description: 'Skrivelser under arbete som skulle ändras' })
  letters: number;

  @ApiProperty({ description: 'Skickade skrivelser där texten står (de ändras inte)' })
  sentLetters: number;

  @ApiProperty({ example: '3 förekomster i avvikelsen: beskrivningen 2, en kommentar 1; också i 1 hindernamn och 1 skrivelse under arbete.' })
  summary: string;
}

/** One finding the report's texts hold, as offered for removal: its value and where, the finding itself masked. */
export class RedactionChoiceView {
  @ApiProperty({ description: 'Skickas tillbaka i choices; anger fältet, läget och ett fingeravtryck, aldrig texten' })
  value: string;

  @ApiProperty({ example: 'Ett personnummer i beskrivningen' })
  label: string;

  @ApiProperty({ description: 'Några ord runt fyndet, fyndet maskerat', example: '…hade personnummer ••••••••-••34. Familjen…' })
  quote: string;
}

/** A letter already sent that quotes the removed text: not changed (it left the system). */
export class SentLetterView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ enum: ['skickad', 'besvarad'] })
  status: string;

  @ApiProperty({ description: 'Mottagarens första rad' })
  recipient: string;

  @ApiPropertyOptional({ nullable: true, type: String })
  referenceNumber: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: 'ÅÅÅÅ-MM-DD' })
  sentOn: string | null;

  @ApiProperty({ example: '/skrivelser/…' })
  path: string;
}

export class RedactionResultView {
  @ApiProperty({ enum: ['title', 'description', 'consequence', 'tried', 'resolution'], isArray: true, description: 'Avvikelsens fält som ändrades' })
  fields: string[];

  @ApiProperty({ description: 'Kommentarer som ändrades' })
  comments: number;

  @ApiProperty({ description: 'Om tidslinjen (loggen) ändrades' })
  log: boolean;

  @ApiProperty({ description: 'Sparade e-postmeddelanden som ändrades' })
  mails: number;

  @ApiProperty({ description: 'Hinder vars namn, termer, skäl eller modell ändrades (en full körning av mönsteranalysen är begärd)' })
  barriers: number;

  @ApiProperty({ description: 'Skrivelser under arbete (utkast, granskad) som ändrades' })
  letters: number;

  @ApiProperty({ type: [SentLetterView], description: 'Skickade skrivelser där texten står: de ändras inte, kontakta mottagaren' })
  sentLetters: SentLetterView[];

  @ApiProperty({ description: 'Samma besked som avvikelsesidan ger efteråt' })
  notice: string;
}
