import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsUUID, Length, ValidationArguments } from 'class-validator';
import { trimString } from '../../../common/validation/validation';
import {
  COMMENT_VISIBILITIES,
  CommentVisibility,
  DEVIATION_CATEGORIES,
  DEVIATION_PARTIES,
  DEVIATION_SEVERITIES,
  DeviationCategory,
  DeviationParty,
  DeviationSeverity,
} from '../deviation.constants';
import { DEVIATION_ACTIONS, DeviationAction } from '../deviation-workflow';
import { emptyToUndefined, PARTIES_MESSAGE, textLengthMessage, toPartyList, trimText } from './deviation-create.dto';

export const RESOLUTION_MAX = 4000;
export const COMMENT_MAX = 4000;

/** What the comment form's text is, in its length message: a note the reporter never sees, or a message in the dialogue. */
function commentName(args: ValidationArguments): string {
  return (args.object as { visibility?: unknown }).visibility === 'internal' ? 'Anteckningen' : 'Meddelandet';
}

/** Body of the status actions in the API (accept, investigate, resolve, escalate, close, reopen). */
export class DeviationTransitionDto {
  @ApiPropertyOptional({
    maxLength: RESOLUTION_MAX,
    description:
      'Vad som gjordes. Krävs för att markera åtgärdad lokalt och för att avsluta (om avvikelsen inte redan har en). ' +
      'Anges den med en annan åtgärd sparas den som avvikelsens åtgärd hittills.',
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, RESOLUTION_MAX, { message: textLengthMessage('Beskriv vad som gjordes.', 1, RESOLUTION_MAX, 'Åtgärden') })
  resolution?: string;

  @ApiPropertyOptional({
    maxLength: COMMENT_MAX,
    description: 'Varför (t.ex. vid eskalering); sparas i loggen, som rapportören ser. Krävs för att återöppna.',
  })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv en kommentar eller lämna fältet tomt.', 1, COMMENT_MAX, 'Kommentaren') })
  comment?: string;
}

/** The status form on the report page: the pressed button names the action. */
export class DeviationStatusFormDto extends DeviationTransitionDto {
  @IsIn(DEVIATION_ACTIONS, { message: 'Välj vad du vill göra med avvikelsen.' })
  action: DeviationAction;
}

export class DeviationAssignDto {
  @ApiProperty({ format: 'uuid', description: 'En delprojektledare i delprojektet som äger avvikelsen' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj en delprojektledare.' })
  assigneeId: string;
}

export class DeviationMoveDto {
  @ApiProperty({ format: 'uuid', description: 'Kommunen avvikelsen egentligen gäller; dess delprojekt blir ägare' })
  @Transform(trimString)
  @IsUUID('all', { message: 'Välj kommun.' })
  municipalityId: string;

  @ApiPropertyOptional({ maxLength: COMMENT_MAX, description: 'Varför den flyttas; sparas i loggen' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv en kommentar eller lämna fältet tomt.', 1, COMMENT_MAX, 'Kommentaren') })
  comment?: string;
}

export class DeviationCommentCreateDto {
  @ApiProperty({ enum: COMMENT_VISIBILITIES, description: 'internal = intern anteckning, reporter = svar som rapportören ser' })
  @IsIn(COMMENT_VISIBILITIES, { message: 'Välj om det är en intern anteckning eller ett svar till rapportören.' })
  visibility: CommentVisibility;

  @ApiProperty({ maxLength: COMMENT_MAX })
  @Transform(trimText)
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv något innan du sparar.', 1, COMMENT_MAX, commentName) })
  body: string;
}

/**
 * Triage's correction of what was chosen in a hurry when filing. In the API each field is optional (what is
 * left out stays as it is); the report page posts all three, as shown.
 */
export class DeviationClassifyDto {
  @ApiPropertyOptional({ enum: DEVIATION_CATEGORIES })
  @IsOptional()
  @IsIn(DEVIATION_CATEGORIES, { message: 'Välj vilken sorts avvikelse det är.' })
  category?: DeviationCategory;

  @ApiPropertyOptional({ enum: DEVIATION_PARTIES, isArray: true, description: 'Berörda parter, hela listan (tom lista: inga)' })
  @Transform(({ value }: { value: unknown }) => (value === undefined ? undefined : toPartyList({ value })))
  @IsOptional()
  @IsArray({ message: 'Välj berörda parter i listan.' })
  @ArrayMaxSize(DEVIATION_PARTIES.length, { message: 'Välj varje part högst en gång.' })
  @IsIn(DEVIATION_PARTIES, { each: true, message: PARTIES_MESSAGE })
  parties?: DeviationParty[];

  @ApiPropertyOptional({ enum: DEVIATION_SEVERITIES, description: 'lag = låg, medel, hog = hög' })
  @IsOptional()
  @IsIn(DEVIATION_SEVERITIES, { message: 'Välj hur allvarligt det är: låg, medel eller hög.' })
  severity?: DeviationSeverity;

  @ApiPropertyOptional({ maxLength: COMMENT_MAX, description: 'Varför; sparas i loggen, som rapportören ser' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @Length(1, COMMENT_MAX, { message: textLengthMessage('Skriv en kommentar eller lämna fältet tomt.', 1, COMMENT_MAX, 'Kommentaren') })
  comment?: string;
}
